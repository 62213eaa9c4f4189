/**
 * Kea 2.2.0 accepts peer URLs of the form `http(s)://<IP literal>:<port>/path`; host names are refused
 * because Kea does not resolve them. Returns Kea's error text, or null when the URL is acceptable.
 */
export function peerUrlError(url: string, peerName: string, tlsEnabled: boolean): string | null {
  const parsed = parseUrl(url);
  if (typeof parsed === 'string') return `invalid URL: ${parsed} for server ${peerName}`;
  if (!isIpLiteral(parsed.host)) {
    return `bad url '${url}': Failed to convert string to address '${parsed.host}': Invalid argument for server ${peerName}`;
  }
  if (parsed.scheme === 'https' && !tlsEnabled) {
    return `bad url '${url}': https scheme is not supported for server ${peerName} where TLS is disabled`;
  }
  return null;
}

interface ParsedUrl {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number | null;
}

/** Kea's Url parser: returns the parts or the parser's error message. */
export function parseUrl(url: string): ParsedUrl | string {
  if (url.length === 0) return 'URL is empty';
  const colon = url.indexOf(':');
  if (colon <= 0) return `scheme not found in URL '${url}'`;
  const schemeText = url.slice(0, colon);
  if (schemeText !== 'http' && schemeText !== 'https') {
    return `invalid scheme ${schemeText} in URL '${url}'`;
  }
  if (url.slice(colon, colon + 3) !== '://') return `expected :// after scheme in URL '${url}'`;
  let rest = url.slice(colon + 3);
  if (rest.length === 0) return `hostname missing in URL '${url}'`;
  let host: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return `expected ] after IPv6 address in URL '${url}'`;
    host = rest.slice(1, close);
    if (host.length === 0) return `hostname missing in URL '${url}'`;
    rest = rest.slice(close + 1);
  } else {
    const end = rest.search(/[:/]/);
    host = end < 0 ? rest : rest.slice(0, end);
    if (host.length === 0) return `hostname missing in URL '${url}'`;
    rest = end < 0 ? '' : rest.slice(end);
  }
  let port: number | null = null;
  if (rest.startsWith(':')) {
    const end = rest.indexOf('/');
    const portText = end < 0 ? rest.slice(1) : rest.slice(1, end);
    if (portText.length === 0) return `port number missing in URL '${url}'`;
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
      return `invalid port number ${portText} in URL '${url}'`;
    }
    port = Number(portText);
  }
  return { scheme: schemeText, host, port };
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
