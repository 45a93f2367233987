/**
 * What generated Dockerfiles assume about the base image (images/base/Dockerfile):
 * user jovyan (uid 1000, gid 100) with its home, a jovyan-owned venv first on PATH
 * (so `pip install` works as jovyan), tini, and Debian's Python.
 */
export const notebookUser = 'jovyan';
export const notebookHome = '/home/jovyan';
export const notebookOwner = '1000:100';
/** The only Python there is: Debian bookworm's python3 (3.11.2), which the venv uses. */
export const basePythonVersion = '3.11';
/** The base image's CMD; a Dockerfile that sets ENTRYPOINT must repeat it, since ENTRYPOINT resets CMD. */
export const defaultServerCommand = ['python3', '-m', 'notebook', '--ip=0.0.0.0', '--port=8888', '--no-browser'];
export const tini = '/usr/bin/tini';
