/**
 * Run ids, names and colours generated when the user gives none (spec 1.1, 5.2 step 3:
 * offline runs get a random "adjective-animal-NN" name and a random colour).
 */
import { randomInt } from 'node:crypto';
import { randomId } from '../shared/random-id.js';

const ADJECTIVES = [
  'amber', 'brave', 'bright', 'calm', 'clever', 'cosmic', 'crisp', 'dapper', 'eager', 'fancy', 'gentle',
  'glowing', 'golden', 'happy', 'jolly', 'keen', 'lively', 'lucky', 'misty', 'noble', 'polar', 'proud',
  'quiet', 'rapid', 'rosy', 'shiny', 'silent', 'stellar', 'sunny', 'swift', 'tidy', 'vivid', 'wise', 'zesty',
];
const ANIMALS = [
  'badger', 'bee', 'crane', 'deer', 'dolphin', 'eagle', 'falcon', 'fox', 'gecko', 'heron', 'ibis', 'koala',
  'lemur', 'lynx', 'marten', 'narwhal', 'otter', 'owl', 'panda', 'puffin', 'quail', 'raven', 'seal', 'swan',
  'tiger', 'turtle', 'walrus', 'whale', 'wolf', 'yak', 'zebra',
];

/** 8 characters of [a-z0-9], as SwanLab's `generate_id()`. */
export function generateRunId(): string {
  return randomId(8);
}

/** A readable name such as `stellar-swan-42`. */
export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${ANIMALS[randomInt(ANIMALS.length)]}-${randomInt(10, 100)}`;
}

/** A random saturated colour as `#rrggbb`. */
export function generateColor(): string {
  const h = randomInt(360) / 60;
  const s = 0.45 + randomInt(30) / 100;
  const v = 0.6 + randomInt(25) / 100;
  const c = v * s;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] = h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  const m = v - c;
  return '#' + [r, g, b].map((n) => Math.round((n + m) * 255).toString(16).padStart(2, '0')).join('');
}
