// The transport contract the sync engine speaks over: an ordered, reliable pipe of small binary frames between two devices.
/**
 * A WebRTC data channel, a relay socket or an in-memory pair (tests) all implement this. Frames are at most
 * `maxFrame` bytes (16 KiB: Chrome drops data-channel messages over 256 KiB and stalls on large ones), and `send`
 * resolves only when the transport has room again, which is how backpressure reaches the engine.
 */
export type FrameChannel = {
  readonly maxFrame: number;
  /** Resolves once the frame is queued and the transport's buffer is below its low-water mark. */
  send(frame: Uint8Array): Promise<void>;
  onFrame(listener: (frame: Uint8Array) => void): () => void;
  onClose(listener: (reason: string) => void): () => void;
  close(): void;
  readonly isOpen: boolean;
};

export const MAX_FRAME = 16 * 1024;
