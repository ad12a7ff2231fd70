// Entry of the staff console (served at /console): Ant Design in this language, styles carrying
// the page's CSP nonce, Beijing-time dayjs, then the console itself.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './root.tsx';
import './console.css';

/** The nonce the server put in this page for run-time styles (see src/channels/web). */
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content || undefined;

createRoot(document.getElementById('root')!).render(<StrictMode><Root nonce={nonce} /></StrictMode>);
