import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from './api';

interface Finding {
  code: string;
  server: string;
  state: string | null;
  setting: string | null;
  text: string;
}

/**
 * The review of a peer's pause configuration, with its partner's (the same findings as `haco config
 * check` on both files): a list of warnings with their codes, or a line saying there is none.
 */
export function Review({ name, refreshed }: { name: string; refreshed: number }) {
  const [review, setReview] = useState<{ partner: string | null; findings: Finding[] } | null>(null);
  useEffect(() => {
    void get<{ partner: string | null; findings: Finding[] }>(`/peers/${name}/review`).then(
      ({ status, body }) => setReview(status === 200 ? body : null),
    );
  }, [name, refreshed]);
  if (review === null) return null;
  const against = review.partner === null ? 'alone' : `with ${review.partner}`;
  return html`<section class="review">
    <h3>configuration review (${against})</h3>
    ${
      review.findings.length === 0
        ? html`<p class="review-clean">no pause traps found</p>`
        : html`<ul>
            ${review.findings.map(
              (f) =>
                html`<li class="finding" data-code=${f.code}>
                  <code>${f.code}</code> ${f.state ?? f.setting ?? ''}: ${f.text}
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}
