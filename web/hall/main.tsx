// Entry: /kiosk and below is the self-service kiosk; everything else is the web and mobile hall.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HallRoot } from './hall.tsx';
import { KioskRoot } from './kiosk/kiosk.tsx';
import './styles.css';

const kiosk = /^\/kiosk(\/|$)/.test(window.location.pathname);
document.body.classList.toggle('is-kiosk', kiosk);
createRoot(document.getElementById('root')!).render(<StrictMode>{kiosk ? <KioskRoot /> : <HallRoot />}</StrictMode>);
