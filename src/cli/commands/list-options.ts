import { InvalidArgumentError, Option } from 'commander';

/** `--limit N`: how many entries a list shows (1–500, as the API takes; default 20). */
export function limitOption(): Option {
  return new Option('--limit <n>', 'how many, newest first (1 to 500)').default(20).argParser((raw: string) => {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 500) throw new InvalidArgumentError('must be a whole number from 1 to 500');
    return Number(raw);
  });
}
