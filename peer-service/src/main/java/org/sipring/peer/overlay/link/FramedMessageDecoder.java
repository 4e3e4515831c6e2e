package org.sipring.peer.overlay.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.sipring.peer.overlay.link.LinkDecodeException.FrameTooLongException;
import org.sipring.peer.overlay.link.LinkDecodeException.MalformedFrameException;
import org.sipring.peer.overlay.link.LinkDecodeException.UnknownFrameTypeException;

/**
 * Splits a TCP byte stream into RFC 6940 §6.6.2 {@link FramedMessage}s. Rejects an unknown type or a
 * length over the maximum as soon as the header arrives (without buffering the body), and a frame
 * cut off by the end of the stream. After the first failure it discards all further input: the
 * connection is about to be closed and one bad stream counts as one error.
 */
public final class FramedMessageDecoder extends ByteToMessageDecoder {

    private final int maxMessageSize;
    private boolean failed;

    public FramedMessageDecoder(int maxMessageSize) {
        if (maxMessageSize < 0 || maxMessageSize > FramedMessage.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxMessageSize out of range: " + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeOne(in, out);
        } catch (LinkDecodeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeOne(ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        switch (type) {
            case FramedMessage.TYPE_DATA -> {
                if (in.readableBytes() < FramedMessage.DATA_HEADER_LENGTH) {
                    return;
                }
                int length = in.getUnsignedMedium(start + 5);
                if (length > maxMessageSize) {
                    throw new FrameTooLongException(length, maxMessageSize);
                }
                if (in.readableBytes() < FramedMessage.DATA_HEADER_LENGTH + length) {
                    return;
                }
                int sequence = in.getInt(start + 1);
                byte[] message = ByteBufUtil.getBytes(in, start + FramedMessage.DATA_HEADER_LENGTH, length);
                in.skipBytes(FramedMessage.DATA_HEADER_LENGTH + length);
                out.add(new FramedMessage.Data(sequence, message));
            }
            case FramedMessage.TYPE_ACK -> {
                if (in.readableBytes() < FramedMessage.ACK_LENGTH) {
                    return;
                }
                int ackSequence = in.getInt(start + 1);
                int received = in.getInt(start + 5);
                in.skipBytes(FramedMessage.ACK_LENGTH);
                out.add(new FramedMessage.Ack(ackSequence, received));
            }
            default -> throw new UnknownFrameTypeException(type);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!failed && in.isReadable()) {
            int left = in.readableBytes();
            failed = true;
            in.skipBytes(left);
            throw new MalformedFrameException("stream ended inside a frame (" + left + " bytes left over)");
        }
    }
}
