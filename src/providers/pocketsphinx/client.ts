/**
 * The pocketsphinx wire: `pocketsphinx_continuous -infile <16 kHz mono PCM16 WAV> -hmm … -lm …
 * -dict … -time yes -logfn /dev/null`. It prints each utterance's hypothesis on a line, then one
 * `word start end posterior` line per word (`-time yes`); the log goes to /dev/null.
 */
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EngineNotInstalledError, runEngine } from '../engine.js';
import type { Transcript, TranscriptWord } from '../stt/base.js';
import type { PocketsphinxConfig } from './config.js';

export const POCKETSPHINX_DEBIAN_PACKAGES = 'pocketsphinx pocketsphinx-en-us';
/** The only rate the en-us model decodes. */
export const POCKETSPHINX_SAMPLE_RATE = 16000;

export interface PocketsphinxRun {
  timeoutMs: number;
  signal?: AbortSignal;
  onSpawn?: (pid: number) => void;
}

/** Writes `wav16k` to a private temp dir, runs the engine on it, removes the dir; returns stdout. */
export async function runPocketsphinx(config: PocketsphinxConfig, wav16k: Uint8Array, run: PocketsphinxRun): Promise<string> {
  await checkModel(config);
  const dir = await mkdtemp(path.join(config.tmpDir ?? os.tmpdir(), 'roomkit-stt-'));
  try {
    const input = path.join(dir, 'input.wav');
    await writeFile(input, wav16k, { mode: 0o600 });
    const args = ['-infile', input, '-hmm', config.hmm, '-lm', config.lm, '-dict', config.dict, '-time', 'yes', '-logfn', '/dev/null'];
    const { stdout } = await runEngine(config.command, args, {
      debianPackage: POCKETSPHINX_DEBIAN_PACKAGES,
      timeoutMs: run.timeoutMs,
      ...(run.signal && { signal: run.signal }),
      ...(run.onSpawn && { onSpawn: run.onSpawn }),
    });
    return stdout.toString('utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A missing model makes the engine exit 1 with the reason in its log; say which package instead. */
async function checkModel(config: PocketsphinxConfig): Promise<void> {
  for (const file of [config.hmm, config.lm, config.dict]) {
    try {
      await access(file);
    } catch (err) {
      throw new EngineNotInstalledError(file, 'pocketsphinx-en-us', { cause: err });
    }
  }
}

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
/** Sentence markers, silence and noise fillers: timing lines, not words. */
const FILLER = /^(<s>|<\/s>|<sil>|\[.*\]|\+\+.*\+\+|\(.*\))$/i;

/**
 * Parses `-time yes` output into a transcript: text from the words (alternate pronunciations
 * `order(2)` folded), confidence the mean word posterior.
 */
export function parsePocketsphinxOutput(stdout: string): Transcript {
  const words: TranscriptWord[] = [];
  const hypotheses: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = WORD_LINE.exec(line);
    if (!m) { hypotheses.push(line); continue; }
    if (FILLER.test(m[1])) continue;
    const word = m[1].replace(/\(\d+\)$/, '');
    words.push({ word, startMs: Math.round(Number(m[2]) * 1000), endMs: Math.round(Number(m[3]) * 1000), confidence: Math.min(1, Number(m[4])) });
  }
  if (words.length === 0) return { text: hypotheses.join(' ').trim() };
  const confidence = words.reduce((sum, w) => sum + (w.confidence ?? 0), 0) / words.length;
  return { text: words.map((w) => w.word).join(' '), confidence, words };
}
