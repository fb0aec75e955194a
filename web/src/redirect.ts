// redirect.html: where Microsoft Entra ID sends the browser back after sign-in, silent renewal and sign-out.
// MSAL's redirect bridge hands the answer to the dashboard (the page that started the sign-in, or the hidden
// iframe's parent) and navigates back to it. Nothing else runs here.

import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

broadcastResponseToMainFrame().catch(() => {
  // Opened by hand or with a spoilt answer: offer the way back rather than a blank page.
  const message = document.getElementById('message');
  if (message) {
    message.textContent = 'Sign-in did not complete. ';
    const back = document.createElement('a');
    back.href = './';
    back.textContent = 'Back to NetPulse';
    message.append(back);
  }
});
