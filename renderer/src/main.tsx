// Bootstrap: pick the wire (Electron IPC or the HTTP host), build the typed client, mount the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../core/src/api/index.ts';
import { App } from './app/App.tsx';
import { CoreProvider } from './client/CoreProvider.tsx';
import { detectHost } from './client/host.ts';
import { I18nProvider, translate, initialLanguage } from './i18n/I18nProvider.tsx';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks #root');
const root = createRoot(container);
const host = detectHost(window);

if ('missingToken' in host) {
  const message = translate(initialLanguage(localStorage, navigator.language), 'app.noToken');
  root.render(<p className="standalone-message">{message}</p>);
} else {
  root.render(
    <StrictMode>
      <I18nProvider>
        <CoreProvider core={createClient(host.wire)} host={host}>
          <App />
        </CoreProvider>
      </I18nProvider>
    </StrictMode>,
  );
}
