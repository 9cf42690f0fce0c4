// Live views: poll at the configured interval only while the page is visible
// (Page Visibility API); stop while hidden and catch up at once on return;
// back off (doubling, up to a minute) while the API errors.
import { config } from './config.js';

export function poll(task, { seconds } = {}) {
  const base = (seconds || config().pollSeconds) * 1000;
  let delay = base;
  let timer = null;
  let stopped = false;
  let running = false;

  async function tick() {
    timer = null;
    if (stopped || running) return;
    if (document.hidden) return; // resumes on visibilitychange
    running = true;
    try {
      await task();
      delay = base;
    } catch (err) {
      delay = Math.min(delay * 2, Math.max(60000, base));
      console.warn('poll failed; next try in', delay, 'ms', err);
    } finally {
      running = false;
    }
    schedule();
  }
  function schedule() {
    if (!stopped && !timer && !document.hidden) timer = setTimeout(tick, delay);
  }
  function onVisibility() {
    if (document.hidden) { clearTimeout(timer); timer = null; }
    else if (!timer && !running) tick();
  }
  document.addEventListener('visibilitychange', onVisibility);
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
