// Follows a BinderHub-style build event stream: phases as a progress bar, the build log with
// its colours, then opens the server at the requested path with its token.
import { AnsiUp } from '/static/vendor/ansi_up.js';

const root = document.getElementById('binder');
const log = document.getElementById('binder-log');
const phaseText = document.getElementById('binder-phase');
const bar = document.getElementById('binder-progress-bar');
const progress = document.getElementById('binder-progress');
const title = document.getElementById('binder-title');
const home = document.getElementById('binder-home');
const ansi = new AnsiUp();
ansi.use_classes = true;

const steps = { waiting: [10, 'Waiting'], fetching: [25, 'Fetching the repository'], building: [50, 'Building the environment'], built: [75, 'Image ready'], launching: [90, 'Launching the server'], ready: [100, 'Ready: opening your server'] };

function appendLog(text) {
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  log.insertAdjacentHTML('beforeend', ansi.ansi_to_html(text));
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function setPhase(phase, message) {
  const step = steps[phase];
  if (step) {
    bar.style.width = `${step[0]}%`;
    progress.setAttribute('aria-valuenow', String(step[0]));
    phaseText.textContent = step[1];
  }
  root.dataset.phase = phase;
  if (message && phase !== 'ready') appendLog(message);
}

function fail(message) {
  root.dataset.phase = 'failed';
  bar.classList.add('failed');
  title.textContent = 'The launch failed';
  phaseText.textContent = message.trim();
  phaseText.className = 'message error';
  home.hidden = false;
  document.getElementById('binder-log-box').open = true;
}

function serverUrl(event) {
  const url = new URL(event.url.replace(/\/?$/, '/') + root.dataset.targetPath.replace(/^\/+/, ''));
  url.searchParams.set('token', event.token);
  return url.toString();
}

document.getElementById('binder-copy').addEventListener('click', (event) => {
  event.preventDefault();
  navigator.clipboard?.writeText(log.textContent ?? '');
});

const source = new EventSource(root.dataset.buildUrl + window.location.search);
source.onmessage = (message) => {
  const event = JSON.parse(message.data);
  if (event.phase === 'failed') {
    source.close();
    if (event.message) appendLog(event.message);
    fail(event.message || 'The build failed.');
    return;
  }
  setPhase(event.phase, event.message);
  if (event.phase === 'ready' && event.url) {
    source.close();
    root.dataset.serverUrl = event.url;
    window.location.assign(serverUrl(event));
  }
};
source.onerror = () => {
  if (root.dataset.phase === 'ready' || root.dataset.phase === 'failed') return;
  source.close();
  fail('The connection to the launcher was lost. Reload the page to try again.');
};
