package dev.fader.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The few etcd calls a fleet makes, each waiting at most {@code timeout}: the fleet's loop reads top to
 * bottom, and an unreachable etcd surfaces as one {@link Unavailable} it can count and report.
 */
final class Etcd implements AutoCloseable {
    /** etcd did not answer in time, or refused the call. */
    static final class Unavailable extends Exception {
        Unavailable(String what, Throwable cause) {
            super(what + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        }
    }

    private final Client client;
    private final long timeoutMillis;

    Etcd(List<URI> endpoints, Duration timeout) {
        this.client = Client.builder().endpoints(endpoints).connectTimeout(timeout).waitForReady(false)
                .retryMaxDuration(timeout).build();
        this.timeoutMillis = timeout.toMillis();
    }

    /** Every key under {@code prefix}, with its revisions. */
    List<KeyValue> range(ByteSequence prefix) throws Unavailable {
        return await("get " + FleetKeys.text(prefix) + "*", client.getKVClient().get(prefix,
                GetOption.builder().isPrefix(true).build())).getKvs();
    }

    /** The key, or null when absent. */
    KeyValue get(ByteSequence key) throws Unavailable {
        List<KeyValue> kvs = await("get " + FleetKeys.text(key), client.getKVClient().get(key)).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** Puts {@code value}; bound to {@code lease} unless it is 0. */
    void put(ByteSequence key, String value, long lease) throws Unavailable {
        PutOption o = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
        await("put " + FleetKeys.text(key), client.getKVClient().put(key, FleetKeys.bytes(value), o));
    }

    /** If every comparison holds, then the operations: atomically, as etcd's transactions are. */
    TxnResponse txn(String what, List<Cmp> ifs, List<Op> then) throws Unavailable {
        return await(what, client.getKVClient().txn().If(ifs.toArray(new Cmp[0])).Then(then.toArray(new Op[0])).commit());
    }

    long grant(long ttlSeconds) throws Unavailable {
        return await("lease grant", client.getLeaseClient().grant(ttlSeconds)).getID();
    }

    /** Renews {@code lease} once; false when etcd no longer has it (it expired while we were away). */
    boolean keepAlive(long lease) throws Unavailable {
        try {
            return await("lease keep-alive", client.getLeaseClient().keepAliveOnce(lease)).getTTL() > 0;
        } catch (Unavailable e) {
            if (e.getCause() instanceof EtcdException x && x.getErrorCode() == ErrorCode.NOT_FOUND) {
                return false; // etcd answered: it no longer has this lease
            }
            throw e;
        }
    }

    void revoke(long lease) throws Unavailable {
        await("lease revoke", client.getLeaseClient().revoke(lease));
    }

    /** Watches every key under {@code prefix} from {@code revision} on. */
    Watch.Watcher watch(ByteSequence prefix, long revision, Consumer<WatchResponse> events, Consumer<Throwable> broken) {
        WatchOption o = WatchOption.builder().withPrefix(prefix).withRevision(revision).build();
        return client.getWatchClient().watch(prefix, o, Watch.listener(events, broken));
    }

    private <T> T await(String what, CompletableFuture<T> f) throws Unavailable {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new Unavailable(what, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new Unavailable(what, new TimeoutException("no answer within " + timeoutMillis + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(what, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
