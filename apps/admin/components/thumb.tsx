'use client';

import { useState } from 'react';
import { cx } from './ui';

/** A product image, or a quiet placeholder when there is none or it does not load. */
export function Thumb({ src, alt, className }: { src: string | undefined; alt: string; className?: string }) {
  const [failed, setFailed] = useState(false);
  const box = cx('shrink-0 rounded border border-slate-200 bg-slate-100', className);
  if (!src || failed) {
    return (
      <span className={cx(box, 'flex items-center justify-center text-slate-400')} role={alt ? 'img' : undefined} aria-label={alt || undefined} aria-hidden={alt ? undefined : true}>
        <svg viewBox="0 0 24 24" className="size-1/2" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
          <rect x="3" y="4" width="18" height="16" rx="2" />
          <circle cx="9" cy="10" r="2" />
          <path d="m21 16-5-5-9 9" />
        </svg>
      </span>
    );
  }
  return <img src={src} alt={alt} onError={() => setFailed(true)} loading="lazy" className={cx(box, 'object-cover')} />;
}
