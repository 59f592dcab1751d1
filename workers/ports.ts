/** A taken port is a configuration error: one line naming the variable, before anything starts. */
import { createServer } from 'node:net';

async function isFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return true;
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Exits with status 2 and a one-line reason when a port a process will listen on is taken. */
export async function requireFreePorts(ports: Array<{ variable: string; host: string; port: number }>): Promise<void> {
  for (const { variable, host, port } of ports) {
    if (await isFree(host, port)) continue;
    console.error(`${variable}=${port}: ${host}:${port} is already in use; set ${variable} to a free port (0 picks one).`);
    process.exit(2);
  }
}
