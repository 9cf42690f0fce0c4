// /config.json: where the API and the OpenID issuer are (written at deploy,
// served by `make run` locally).
let loaded;
export async function loadConfig() {
  if (!loaded) {
    const resp = await fetch('/config.json', { cache: 'no-cache' });
    if (!resp.ok) throw new Error(`/config.json answered ${resp.status}`);
    loaded = await resp.json();
    loaded.apiUrl = loaded.apiUrl.replace(/\/$/, '');
    loaded.pollSeconds = Number(loaded.pollSeconds) || 5;
  }
  return loaded;
}
export const config = () => loaded;
