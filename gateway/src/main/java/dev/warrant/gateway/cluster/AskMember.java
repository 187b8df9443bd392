package dev.warrant.gateway.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** Sent by {@link MemberViews#ask} to every member: that member's answer to one named view, as JSON text. */
final class AskMember implements Callable<String>, Serializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    private final String view;
    private final Serializable question;
    private transient HazelcastInstance hazelcast;

    AskMember(String view, Serializable question) {
        this.view = view;
        this.question = question;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public String call() {
        // A member still starting has no views yet: it answers nothing, and is listed as not answered.
        Object local = hazelcast.getUserContext().get(MemberViews.USER_CONTEXT_KEY);
        return local instanceof MemberViews views ? views.answer(view, question) : null;
    }
}
