package org.sipring.peer.sip.jainsip;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.util.AbstractQueue;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The stack's NIO message processors, installed through its {@code MESSAGE_PROCESSOR_FACTORY}
 * property, with one change for UDP: the stack receives every datagram into a new array of the
 * largest datagram size (64 KB) and queues it, array and all, until a listener thread takes it;
 * here each queued datagram keeps an array of its own length. Without it a backlog of datagrams
 * (up to {@code CONGESTION_CONTROL_TIMEOUT} worth of arrivals, during a burst or a collection)
 * holds 64 KB per datagram, and about 1,500 of them fill a 128 MB heap.
 */
public final class CompactUdpProcessors extends NioMessageProcessorFactory {

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        // the stack's own processor (creating it here also makes the stack send UDP from its socket)
        MessageProcessor processor = super.createMessageProcessor(stack, address, port, transport);
        if (processor instanceof UDPMessageProcessor udp) {
            try {
                Field field = queueField();
                @SuppressWarnings("unchecked")
                BlockingQueue<DatagramQueuedMessageDispatch> own = (BlockingQueue<DatagramQueuedMessageDispatch>) field.get(udp);
                field.set(udp, new Compacting(own));
            } catch (ReflectiveOperationException e) {
                throw new IOException("cannot install the compacting UDP queue", e);
            }
        }
        return processor;
    }

    /**
     * The UDP processor's queue: protected, created in its constructor (the stack's congestion
     * auditor keeps that queue, so the replacement passes everything on to it).
     */
    static Field queueField() throws NoSuchFieldException {
        Field field = UDPMessageProcessor.class.getDeclaredField("messageQueue");
        field.setAccessible(true);
        return field;
    }

    /** A queue of received datagrams that copies each into an array of its length on the way in. */
    static final class Compacting extends AbstractQueue<DatagramQueuedMessageDispatch>
        implements BlockingQueue<DatagramQueuedMessageDispatch> {

        private final BlockingQueue<DatagramQueuedMessageDispatch> queue;

        Compacting(BlockingQueue<DatagramQueuedMessageDispatch> queue) {
            this.queue = queue;
        }

        static DatagramQueuedMessageDispatch compact(DatagramQueuedMessageDispatch dispatch) {
            DatagramPacket p = dispatch.packet;
            if (p != null && p.getData().length > p.getLength()) {
                p.setData(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()));
            }
            return dispatch;
        }

        @Override
        public boolean offer(DatagramQueuedMessageDispatch e) {
            return queue.offer(compact(e));
        }

        @Override
        public void put(DatagramQueuedMessageDispatch e) throws InterruptedException {
            queue.put(compact(e));
        }

        @Override
        public boolean offer(DatagramQueuedMessageDispatch e, long timeout, TimeUnit unit) throws InterruptedException {
            return queue.offer(compact(e), timeout, unit);
        }

        @Override
        public DatagramQueuedMessageDispatch take() throws InterruptedException {
            return queue.take();
        }

        @Override
        public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
            return queue.poll(timeout, unit);
        }

        @Override
        public DatagramQueuedMessageDispatch poll() {
            return queue.poll();
        }

        @Override
        public DatagramQueuedMessageDispatch peek() {
            return queue.peek();
        }

        @Override
        public int remainingCapacity() {
            return queue.remainingCapacity();
        }

        @Override
        public int drainTo(Collection<? super DatagramQueuedMessageDispatch> c) {
            return queue.drainTo(c);
        }

        @Override
        public int drainTo(Collection<? super DatagramQueuedMessageDispatch> c, int maxElements) {
            return queue.drainTo(c, maxElements);
        }

        @Override
        public Iterator<DatagramQueuedMessageDispatch> iterator() {
            return queue.iterator();
        }

        @Override
        public int size() {
            return queue.size();
        }
    }
}
