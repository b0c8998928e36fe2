// In-memory stand-ins for RTCPeerConnection and RTCDataChannel, so the mesh can be tested in Node (which has no WebRTC).
/**
 * Only what mesh.ts and webrtc-channel.ts use, with the behaviour they rely on: negotiated channels pair up by id
 * once both sides have exchanged descriptions and at least one candidate; messages arrive in order after a tick;
 * `bufferedAmount` grows on send and `bufferedamountlow` fires when it falls to the threshold; closing one end closes
 * the other. `FakeNetwork.block(a, b)` makes a pair unable to connect; `cut(pc)` is a device walking away.
 * Real browsers are tested in tests/p2p.
 */
import type { DataChannelLike } from './webrtc-channel';
import type { IceCandidate, PeerConnectionLike, SessionDescription } from './mesh';

type ChannelState = 'connecting' | 'open' | 'closing' | 'closed';

const event = (type: string, props: Record<string, unknown> = {}): Event => Object.assign(new Event(type), props);

export class FakeDataChannel extends EventTarget implements DataChannelLike {
  readyState: ChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  readonly ordered = true;
  readonly maxRetransmits = null;
  readonly maxPacketLifeTime = null;
  peer: FakeDataChannel | null = null;
  /** Every payload this end sent (tests inspect traffic). */
  readonly sent: Uint8Array[] = [];

  constructor(
    readonly label: string,
    readonly id: number,
    readonly latencyMs: number
  ) {
    super();
  }

  send(data: Uint8Array<ArrayBuffer> | string): void {
    if (this.readyState !== 'open') throw Object.assign(new Error('RTCDataChannel.readyState is not open'), { name: 'InvalidStateError' });
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
    this.sent.push(bytes);
    this.bufferedAmount += bytes.byteLength;
    setTimeout(() => {
      const peer = this.peer;
      if (this.readyState !== 'open' || !peer || peer.readyState !== 'open') return;
      const before = this.bufferedAmount;
      this.bufferedAmount -= bytes.byteLength;
      peer.dispatchEvent(event('message', { data: typeof data === 'string' ? data : bytes.buffer }));
      if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) this.dispatchEvent(event('bufferedamountlow'));
    }, this.latencyMs);
  }

  open(): void {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    this.dispatchEvent(event('open'));
  }

  close(): void {
    if (this.readyState === 'closed' || this.readyState === 'closing') return;
    this.readyState = 'closing';
    const peer = this.peer;
    // After what is in flight: a graceful close delivers the frames sent before it.
    setTimeout(() => {
      this.shut();
      peer?.shut();
    }, this.latencyMs + 1);
  }

  /** Closes at once (the link is gone). */
  shut(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.bufferedAmount = 0;
    this.dispatchEvent(event('close'));
  }
}

/** The pretend network fake peer connections find each other on. */
export class FakeNetwork {
  readonly connections = new Map<string, FakePeerConnection>();
  readonly #blocked = new Set<string>();
  /** Every connection ever made, for assertions. */
  readonly all: FakePeerConnection[] = [];

  constructor(readonly latencyMs = 1) {}

  /** A constructor to pass as `PeerConnection` in mesh options; `owner` names the device (for block). */
  peerConnection(owner = 'anyone'): new (config: { iceServers: unknown[] }) => FakePeerConnection {
    const network = this;
    return class extends FakePeerConnection {
      constructor(config: { iceServers: unknown[] }) {
        super(network, config, owner);
      }
    };
  }

  /** Connections between these two owners never connect (as two devices on networks that cannot reach each other). */
  block(a: string, b: string): void {
    this.#blocked.add(pairKey(a, b));
  }

  /** Connections one owner made. */
  of(owner: string): FakePeerConnection[] {
    return this.all.filter((pc) => pc.owner === owner);
  }

  isBlocked(a: string, b: string): boolean {
    return this.#blocked.has(pairKey(a, b));
  }

  /** A device walks out of range: its channels and the peer's close, without a goodbye. */
  cut(pc: FakePeerConnection): void {
    pc.drop();
  }
}

const pairKey = (a: string, b: string): string => [a, b].sort().join('|');
let nextAddress = 1;

export class FakePeerConnection extends EventTarget implements PeerConnectionLike {
  connectionState = 'new';
  readonly address = `fake-${nextAddress++}`;
  readonly channels = new Map<number, FakeDataChannel>();
  localDescription: SessionDescription | null = null;
  remoteDescription: SessionDescription | null = null;
  remote: FakePeerConnection | null = null;
  #gotCandidate = false;
  #isClosed = false;

  constructor(
    readonly network: FakeNetwork,
    readonly config: { iceServers: unknown[] },
    readonly owner = 'anyone'
  ) {
    super();
    network.connections.set(this.address, this);
    network.all.push(this);
  }

  createDataChannel(label: string, init: { negotiated: true; id: number; ordered: true }): FakeDataChannel {
    const dc = new FakeDataChannel(label, init.id, this.network.latencyMs);
    this.channels.set(init.id, dc);
    return dc;
  }

  async createOffer(): Promise<SessionDescription> {
    return { type: 'offer', sdp: `v=0 fake ${this.address}` };
  }

  async createAnswer(): Promise<SessionDescription> {
    if (!this.remoteDescription) throw new Error('createAnswer before setRemoteDescription');
    return { type: 'answer', sdp: `v=0 fake ${this.address}` };
  }

  async setLocalDescription(d: SessionDescription): Promise<void> {
    this.localDescription = d;
    this.#setState('connecting');
    // Candidates trickle out after the description, as in a browser.
    setTimeout(() => {
      if (this.#isClosed) return;
      this.dispatchEvent(event('icecandidate', { candidate: { candidate: `candidate:1 1 udp 1 ${this.address} 9 typ host`, sdpMid: '0', sdpMLineIndex: 0 } }));
      this.dispatchEvent(event('icecandidate', { candidate: null }));
    }, this.network.latencyMs);
  }

  async setRemoteDescription(d: SessionDescription): Promise<void> {
    const address = /fake (\S+)/.exec(d.sdp)?.[1];
    const remote = address ? this.network.connections.get(address) : undefined;
    if (!remote) throw new Error('setRemoteDescription: unknown peer');
    this.remoteDescription = d;
    this.remote = remote;
    this.#maybeConnect();
  }

  async addIceCandidate(c: IceCandidate): Promise<void> {
    if (!this.remoteDescription) throw new Error('addIceCandidate before setRemoteDescription');
    if (c.candidate) this.#gotCandidate = true;
    this.#maybeConnect();
  }

  #maybeConnect(): void {
    const remote = this.remote;
    if (!remote || !this.#gotCandidate || this.connectionState === 'connected' || this.#isClosed) return;
    if (remote.remote !== this || !remote.#gotCandidate || remote.#isClosed) return;
    if (this.network.isBlocked(this.owner, remote.owner)) return;
    setTimeout(() => {
      if (this.#isClosed || remote.#isClosed) return;
      for (const pc of [this, remote]) pc.#setState('connected');
      for (const [id, dc] of this.channels) {
        const other = remote.channels.get(id);
        if (!other) continue;
        dc.peer = other;
        other.peer = dc;
        dc.open();
        other.open();
      }
    }, this.network.latencyMs);
  }

  #setState(s: string): void {
    if (this.connectionState === s) return;
    this.connectionState = s;
    this.dispatchEvent(event('connectionstatechange'));
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.connectionState = 'closed';
    for (const dc of this.channels.values()) {
      const peer = dc.peer;
      dc.shut();
      peer?.shut();
    }
  }

  /** Gone without a word: the far side sees its channels close and its connection fail. */
  drop(): void {
    const remote = this.remote;
    this.close();
    if (remote && !remote.#isClosed) remote.#setState('failed');
  }
}
