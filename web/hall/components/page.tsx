// A page: its heading takes focus when it opens, so keyboard and screen-reader users land on it.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useDocumentTitle } from '../hooks.ts';

export function Page({ title, children, intro, className }: { title: string; children: ReactNode; intro?: ReactNode; className?: string }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(title);
  useEffect(() => {
    h1.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className={`page ${className ?? ''}`}>
      <h1 ref={h1} tabIndex={-1} className="page-title">{title}</h1>
      {intro && <p className="page-intro">{intro}</p>}
      {children}
    </div>
  );
}

/** A titled block on a page. */
export function Card({ title, children, action, className }: { title: string; children: ReactNode; action?: ReactNode; className?: string }) {
  const titleId = useId();
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={titleId}>
      <div className="card-head">
        <h2 id={titleId}>{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}
