// Entry of the staff console (served at /console): Ant Design in this language, styles carrying
// the page's CSP nonce, Beijing-time dayjs, then the console itself.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './root.tsx';
import './console.css';

/** The nonce the server put in this page for run-time styles (see src/channels/web). */
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content || undefined;

// Ant Design passes the nonce to the styles it writes, but two helpers below it (the table's
// scrollbar measure and the modal's scroll lock) create <style> elements without it, which the
// CSP then drops. Every <style> this page creates carries the page's nonce.
if (nonce) {
  const create = Document.prototype.createElement;
  Document.prototype.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
    const el = create.call(this, tag, options);
    if (tag.toLowerCase() === 'style') (el as HTMLStyleElement).nonce = nonce;
    return el;
  } as typeof Document.prototype.createElement;
}

createRoot(document.getElementById('root')!).render(<StrictMode><Root nonce={nonce} /></StrictMode>);
