package io.s3replicator.wiring;

import io.s3replicator.state.StateSettings;
import io.s3replicator.state.backend.StateBackend;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** State: the store chosen by {@code s3replicator.state.*}, started and stopped with Camel. */
public class StateConfiguration implements CamelConfiguration {

    @BindToRegistry(value = Beans.STATE, lazy = true)
    public StateBackend stateBackend(CamelContext context) throws Exception {
        StateBackend state = StateBackend.open(StateSettings.from(context.getPropertiesComponent()));
        context.addService(state);
        context.addService(state.inFlight());
        if (state.clearInFlightAtStart()) {
            // Only an in-memory queue's jobs are known not to be in flight after a restart.
            context.addService(new ServiceSupport() {
                @Override
                protected void doStart() {
                    state.inFlight().clear();
                }
            });
        }
        return state;
    }
}
