/**
 * Kea 2.2.0 accepts peer URLs of the form `http(s)://<IP literal>:<port>/path`; host names are refused
 * because Kea does not resolve them. Returns Kea's error text, or null when the URL is acceptable.
 */
export function peerUrlError(url: string, peerName: string, tlsEnabled: boolean): string | null {
  const parsed = parseUrl(url);
  if (typeof parsed === 'string') return `invalid URL: ${parsed} for server ${peerName}`;
  const host = strippedHostname(parsed.hostname);
  if (!isIpLiteral(host)) {
    return `bad url '${urlText(parsed)}': Failed to convert string to address '${host}': Invalid argument for server ${peerName}`;
  }
  if (parsed.scheme === 'https' && !tlsEnabled) {
    return `bad url '${urlText(parsed)}': https scheme is not supported for server ${peerName} where TLS is disabled`;
  }
  return null;
}

export interface ParsedUrl {
  readonly scheme: 'http' | 'https';
  /** As written, IPv6 literals with their brackets. */
  readonly hostname: string;
  /** 0 when none was given. */
  readonly port: number;
  readonly path: string;
}

/** Kea's Url parser, quirks included: returns the parts, or the parser's error message. */
export function parseUrl(url: string): ParsedUrl | string {
  const colon = url.indexOf(':');
  if (colon <= 0) return `url ${url} lacks http or https scheme`;
  const scheme = url.slice(0, colon);
  if (scheme !== 'http' && scheme !== 'https') return `invalid scheme ${scheme} in ${url}`;
  if (url.slice(colon, colon + 3) !== '://') return `expected :// after scheme in ${url}`;
  const start = colon + 3;
  if (start >= url.length) return `hostname missing in ${url}`;
  let end: number;
  if (url[start] === '[') {
    const close = url.indexOf(']', start);
    if (close < 0) return `expected ] after IPv6 address in ${url}`;
    if (close === start + 1) return `expected IPv6 address within [] in ${url}`;
    end = close + 1;
  } else {
    end = url.indexOf(':', start);
    if (end < 0) end = url.indexOf('/', start);
    if (end < 0) end = url.length;
  }
  const hostname = url.slice(start, end);
  if (end === url.length) return { scheme, hostname, port: 0, path: '' };
  let port = 0;
  let rest = end;
  if (url[end] === ':') {
    if (end === url.length - 1) return `expected port number after : in ${url}`;
    const slash = url.indexOf('/', end + 1);
    const portText = slash < 0 ? url.slice(end + 1) : url.slice(end + 1, slash);
    if (!/^\d+$/.test(portText) || Number(portText) > 4294967295) {
      return `invalid port number ${portText} in ${url}`;
    }
    port = Number(portText);
    rest = slash;
  }
  return { scheme, hostname, port, path: rest < 0 ? '' : url.slice(rest) || '/' };
}

function strippedHostname(hostname: string): string {
  return hostname.length >= 2 && hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/** Kea's Url::toText: the URL rebuilt from its parts. */
function urlText(url: ParsedUrl): string {
  return `${url.scheme}://${url.hostname}${url.port !== 0 ? `:${url.port}` : ''}${url.path}`;
}

export function isIpLiteral(host: string): boolean {
  return isIpv4(host) || isIpv6(host);
}

function isIpv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIpv6(host: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(host) || !host.includes(':')) return false;
  const doubleColons = host.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = host.split(':').filter((g) => g.length > 0);
  const lastIsV4 = groups.length > 0 && groups[groups.length - 1].includes('.');
  if (lastIsV4 && !isIpv4(groups[groups.length - 1])) return false;
  const hexGroups = lastIsV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const width = hexGroups.length + (lastIsV4 ? 2 : 0);
  return doubleColons === 1 ? width < 8 : width === 8;
}
