import { LauncherError } from '../errors/launcher-error.js';

export interface SpecPolicy {
  bannedSpecs: string[];
  allowedSpecs: string[];
}

/** Refuses `<provider>/<spec>` when it matches a banned pattern, or no allowed one (when some are set). */
export function assertSpecAllowed(provider: string, spec: string, policy: SpecPolicy): void {
  const subject = `${provider}/${spec}`;
  if (policy.bannedSpecs.some((pattern) => new RegExp(pattern).test(subject))) {
    throw new LauncherError(403, 'spec-banned', `The operator of this launcher does not allow launching ${subject}.`);
  }
  if (policy.allowedSpecs.length > 0 && !policy.allowedSpecs.some((pattern) => new RegExp(pattern).test(subject))) {
    throw new LauncherError(403, 'spec-not-allowed', `This launcher only launches repositories its operator has allowed, and ${subject} is not one of them.`);
  }
}
