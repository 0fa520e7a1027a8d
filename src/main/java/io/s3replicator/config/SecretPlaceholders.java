package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import io.s3replicator.store.S3Errors;
import org.apache.camel.CamelContext;
import org.apache.camel.component.aws.secretsmanager.SecretsManagerPropertiesFunction;
import org.apache.camel.spi.PropertiesFunction;
import org.apache.camel.support.service.ServiceHelper;

/**
 * {@code {{aws:NAME#field}}} in any property or pair parameter: Camel's Secrets Manager properties
 * function (configured by {@code camel.vault.aws.*}), started on first use only, so a process
 * that names no secret needs no vault settings. A secret that cannot be read stops start-up with
 * one line naming the placeholder, not a bean post-processing error three causes deep.
 */
public final class SecretPlaceholders implements PropertiesFunction {
    private final CamelContext context;
    private SecretsManagerPropertiesFunction secretsManager;

    private SecretPlaceholders(CamelContext context) {
        this.context = context;
    }

    /** Installs the function on the context's properties component, and stops its client with the context. */
    public static void install(CamelContext context) {
        SecretPlaceholders function = new SecretPlaceholders(context);
        context.getPropertiesComponent().addPropertiesFunction(function);
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                function.stop();
            }
        });
    }

    @Override
    public String getName() {
        return "aws";
    }

    @Override
    public String apply(String remainder) {
        String placeholder = "{{aws:" + remainder + "}}";
        String name = remainder.split("[#:@]", 2)[0];
        try {
            return started().apply(remainder);
        } catch (RuntimeException e) {
            throw new ConfigException(placeholder, "secret '" + name + "' cannot be read from AWS Secrets Manager ("
                    + "camel.vault.aws.*): " + S3Errors.describe(rootCause(e)), e);
        }
    }

    private synchronized SecretsManagerPropertiesFunction started() {
        if (secretsManager == null) {
            SecretsManagerPropertiesFunction f = new SecretsManagerPropertiesFunction();
            f.setCamelContext(context);
            ServiceHelper.startService(f);
            secretsManager = f;
        }
        return secretsManager;
    }

    private synchronized void stop() {
        ServiceHelper.stopService(secretsManager);
        secretsManager = null;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
