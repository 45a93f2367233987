import Docker from 'dockerode';
import { LauncherError, isConnectionError } from '../errors/launcher-error.js';
import { sandboxBridgeName, sandboxNetworkName } from '../network/sandbox-names.js';
import { engineUnreachable, statusCodeOf } from './docker-support.js';
import { labelKeys } from './labels.js';

/** The deployment's network as Docker made it. */
export interface SandboxNetwork {
  name: string;
  /** The host's interface of the network (firewall rules name it). */
  bridge: string;
  /** The host's address on the bridge, e.g. 172.20.0.1. */
  gateway: string;
  subnet: string;
}

const iccOption = 'com.docker.network.bridge.enable_icc';
const bridgeOption = 'com.docker.network.bridge.name';

/**
 * Docker's side of the sandbox: one bridge network per deployment with inter-container traffic
 * off and a fixed bridge name, which notebook servers and build steps join. What it may reach
 * beyond that is the firewall's job (src/network/firewall.ts).
 */
export class DockerSandboxNetwork {
  private readonly docker: Docker;
  private ensured: Promise<SandboxNetwork> | undefined;
  readonly name: string;
  readonly bridge: string;

  constructor(private readonly instance: string, socketPath?: string) {
    this.docker = socketPath ? new Docker({ socketPath }) : new Docker();
    this.name = sandboxNetworkName(instance);
    this.bridge = sandboxBridgeName(instance);
  }

  /** Creates the network when missing (once per process), and refuses one made with other options. */
  ensure(): Promise<SandboxNetwork> {
    this.ensured ??= this.inspectOrCreate().catch((error: unknown) => {
      this.ensured = undefined;
      throw error;
    });
    return this.ensured;
  }

  private async inspectOrCreate(): Promise<SandboxNetwork> {
    const existing = await this.inspect();
    if (existing) return existing;
    try {
      await this.docker.createNetwork({
        Name: this.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        EnableIPv6: false,
        Labels: { [labelKeys.managed]: 'true', [labelKeys.instance]: this.instance },
        Options: { [iccOption]: 'false', [bridgeOption]: this.bridge },
      });
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw networkFailure(error, this.name);
    }
    const made = await this.inspect();
    if (!made) throw new LauncherError(500, 'network-missing', `Docker did not keep the notebook network ${this.name}.`);
    return made;
  }

  private async inspect(): Promise<SandboxNetwork | undefined> {
    let info: Docker.NetworkInspectInfo;
    try {
      info = await this.docker.getNetwork(this.name).inspect() as Docker.NetworkInspectInfo;
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw networkFailure(error, this.name);
    }
    const options = info.Options ?? {};
    if (info.Driver !== 'bridge' || options[iccOption] !== 'false' || options[bridgeOption] !== this.bridge || info.EnableIPv6) {
      throw new LauncherError(500, 'network-unsafe', `The Docker network ${this.name} exists but was not made by nblaunch as it needs (a bridge named ${this.bridge}, inter-container traffic off, no IPv6). Remove it (docker network rm ${this.name}) once no container uses it, and start again.`);
    }
    const config = info.IPAM?.Config?.[0];
    if (!config?.Gateway || !config.Subnet) throw new LauncherError(500, 'network-unsafe', `The Docker network ${this.name} has no IPv4 gateway.`);
    return { name: this.name, bridge: this.bridge, gateway: config.Gateway, subnet: config.Subnet };
  }

  /** For tests and uninstall: fails while containers still use it. */
  async remove(): Promise<void> {
    this.ensured = undefined;
    try {
      await this.docker.getNetwork(this.name).remove();
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw networkFailure(error, this.name);
    }
  }
}

function networkFailure(error: unknown, name: string): LauncherError {
  if (error instanceof LauncherError) return error;
  if (isConnectionError(error)) return engineUnreachable(error);
  return new LauncherError(500, 'network-failed', `Docker could not set up the notebook network ${name}: ${(error as Error).message}`, { cause: error });
}
