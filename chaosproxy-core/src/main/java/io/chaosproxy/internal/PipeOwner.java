package io.chaosproxy.internal;

import io.chaosproxy.Fault;
import java.io.IOException;

/** What a {@link Pipe} asks of, and tells, the connection it is one direction of. Loop thread only. */
interface PipeOwner {

    /** Whether the connection has closed: its pipes then forward nothing more. */
    boolean isClosed();

    /** A socket failed: the connection ends with an RST to both sides, as a broken path would. */
    void ioFailed(Endpoint where, IOException e);

    /** A fault's stage threw: a bug in it, which may have cost a chunk. */
    void stageFailed(Fault fault, Throwable failure);

    /**
     * {@code pipe} passed its end of stream on as a half-close. {@code closeReason} is not null when a stage ended
     * the stream to close the whole connection (limit data).
     */
    void finished(Pipe pipe, String closeReason);
}
