/**
 * WebSocket upgrades on a shared HTTP server: one `upgrade` listener per server dispatches by path
 * to the routes registered on it (the chat endpoint, the voice streams), and answers 404 to a path
 * nobody serves — an unanswered handshake would hang, and browsers queue every other socket to the
 * same host behind a pending one.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeRoute {
  matches(pathname: string): boolean;
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

const routesOf = new WeakMap<Server, UpgradeRoute[]>();

/** Registers `route` on `server`; returns its removal. */
export function addUpgradeRoute(server: Server, route: UpgradeRoute): () => void {
  let routes = routesOf.get(server);
  if (!routes) {
    const list: UpgradeRoute[] = [];
    routes = list;
    routesOf.set(server, list);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      const target = list.find((r) => r.matches(pathname));
      if (target) target.handle(req, socket, head);
      else refuseUpgrade(socket, 404, 'Not Found');
    });
  }
  routes.push(route);
  return () => {
    const list = routesOf.get(server);
    const at = list?.indexOf(route) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
  };
}

export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
