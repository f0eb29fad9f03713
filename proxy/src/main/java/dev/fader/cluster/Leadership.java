package dev.fader.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.util.List;

/**
 * The fleet's election: the leader is whoever created the {@code leader} key, bound to its own lease, so
 * a leader that dies or loses etcd loses the key within the lease and the next candidate's transaction
 * takes it (etcd's own election recipe, without the queue). A leader's writes are guarded by the key's
 * create revision, so one that lost its lease unawares can no longer write.
 */
final class Leadership {
    private final Etcd etcd;
    private final ByteSequence key;
    private final String me;
    private long createRevision; // of our leader key while we lead, else 0
    private String leader = "";

    Leadership(Etcd etcd, FleetKeys keys, String me) {
        this.etcd = etcd;
        this.key = keys.leader();
        this.me = me;
    }

    /** Campaigns when there is no leader, checks ours when we lead; true while this instance leads. */
    boolean tick(long lease) throws Etcd.Unavailable {
        KeyValue kv = etcd.get(key);
        if (kv != null) {
            leader = FleetKeys.text(kv.getValue());
            if (createRevision != 0 && kv.getCreateRevision() != createRevision) {
                createRevision = 0; // our key expired and someone else's took its place
            }
            return createRevision != 0;
        }
        createRevision = 0;
        TxnResponse r = etcd.txn("campaign", List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))),
                List.of(Op.put(key, FleetKeys.bytes(me), PutOption.builder().withLeaseId(lease).build())));
        if (r.isSucceeded()) {
            createRevision = r.getHeader().getRevision();
            leader = me;
        }
        return createRevision != 0;
    }

    /** The condition every write of the leader carries: it still holds the key it created. */
    Cmp stillLeading() {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision));
    }

    boolean leading() {
        return createRevision != 0;
    }

    /** The leader's name as last read, "" when none was seen. */
    String leader() {
        return leader;
    }

    /** This instance's session ended: whatever it led, it leads no more. */
    void lost() {
        createRevision = 0;
    }
}
