/**
 * The espeak-ng wire: `espeak-ng --stdout -b 1 -v <voice> -s <wpm>` with the text on stdin (UTF-8),
 * a WAV file on stdout. The text never reaches argv, so it cannot be read as an option and has no
 * length limit there.
 */
import { runEngine } from '../engine.js';

export const ESPEAK_DEBIAN_PACKAGE = 'espeak-ng';

export interface EspeakRun {
  voice: string;
  speed: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onSpawn?: (pid: number) => void;
}

export async function runEspeak(command: string, text: string, run: EspeakRun): Promise<Buffer> {
  const args = ['--stdout', '-b', '1', '-v', run.voice, '-s', String(run.speed)];
  const { stdout } = await runEngine(command, args, {
    debianPackage: ESPEAK_DEBIAN_PACKAGE,
    stdin: text,
    timeoutMs: run.timeoutMs,
    ...(run.signal && { signal: run.signal }),
    ...(run.onSpawn && { onSpawn: run.onSpawn }),
  });
  return stdout;
}
