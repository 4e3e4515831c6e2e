package org.sipring.peer.overlay.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link FramedMessage}s in the RFC 6940 §6.6.2 wire format. Stateless and sharable. */
@ChannelHandler.Sharable
public final class FramedMessageEncoder extends MessageToByteEncoder<FramedMessage> {

    public FramedMessageEncoder() {
        super(FramedMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, FramedMessage frame, ByteBuf out) {
        writeTo(frame, out);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, FramedMessage frame, boolean preferDirect) {
        int size = frame instanceof FramedMessage.Data d
            ? FramedMessage.DATA_HEADER_LENGTH + d.message().length
            : FramedMessage.ACK_LENGTH;
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    /** Appends one frame's bytes to {@code out}. */
    public static void writeTo(FramedMessage frame, ByteBuf out) {
        if (frame instanceof FramedMessage.Data d) {
            out.writeByte(FramedMessage.TYPE_DATA);
            out.writeInt(d.sequence());
            out.writeMedium(d.message().length);
            out.writeBytes(d.message());
        } else {
            FramedMessage.Ack a = (FramedMessage.Ack) frame;
            out.writeByte(FramedMessage.TYPE_ACK);
            out.writeInt(a.ackSequence());
            out.writeInt(a.received());
        }
    }
}
