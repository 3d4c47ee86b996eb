/**
 * Reading a secret: hidden typing on a terminal, else the first line of stdin (for scripts:
 * `echo $KEY | swanlab-node login`).
 */
import readline from 'node:readline';

/** Read one line; on a TTY the typed characters are not echoed. */
export function readSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return new Promise((resolve) => {
      const rl = readline.createInterface({ input });
      let got = false;
      rl.once('line', (line) => {
        got = true;
        rl.close();
        resolve(line);
      });
      rl.once('close', () => {
        if (!got) resolve('');
      });
    });
  }
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let key = '';
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          return resolve(key);
        }
        if (ch === '\u0003') {
          input.setRawMode(false);
          process.stderr.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') key = key.slice(0, -1);
        else key += ch;
      }
    };
    input.on('data', onData);
  });
}
