package io.s3replicator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server speaking the wire protocols of the two AWS services no emulator here
 * covers: Secrets Manager (JSON 1.1, {@code X-Amz-Target: secretsmanager.GetSecretValue}) and
 * STS (query protocol: {@code Action=AssumeRole}, {@code Action=GetCallerIdentity}). It also
 * answers HeadBucket on any path as an S3 endpoint that accepts only the access keys it is told
 * to, so a revoked key gets a real 403. The real SDK clients talk to it over HTTP.
 */
public final class AwsApiServer implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";
    private static final Pattern KEY_ID = Pattern.compile("Credential=([^/]+)/");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> externalIds = new ConcurrentHashMap<>();
    private final Set<String> deniedRoles = ConcurrentHashMap.newKeySet();
    private final Map<String, String> issuedSessions = new ConcurrentHashMap<>();
    private final Set<String> acceptedS3Keys = ConcurrentHashMap.newKeySet();
    public final AtomicInteger secretReads = new AtomicInteger();
    public final AtomicInteger assumeRoleCalls = new AtomicInteger();
    /** Access key ids that signed AssumeRole calls (the base credentials). */
    public final Set<String> assumeRoleCallers = ConcurrentHashMap.newKeySet();

    private record Secret(String value, String versionId) {
    }

    public AwsApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Creates the secret or puts a new current version (a rotation). */
    public void putSecret(String id, String value) {
        secrets.put(id, new Secret(value, UUID.randomUUID().toString()));
    }

    public void allowRole(String roleArn, String externalId) {
        if (externalId != null) {
            externalIds.put(roleArn, externalId);
        }
    }

    public void denyRole(String roleArn) {
        deniedRoles.add(roleArn);
    }

    public void acceptS3Key(String accessKeyId) {
        acceptedS3Keys.add(accessKeyId);
    }

    public void revokeS3Key(String accessKeyId) {
        acceptedS3Keys.remove(accessKeyId);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String keyId = keyId(ex.getRequestHeaders().getFirst("Authorization"));
            if (target != null) {
                secretsManager(ex, target, body);
            } else if ("POST".equals(ex.getRequestMethod()) && "/".equals(ex.getRequestURI().getPath())) {
                sts(ex, form(new String(body, StandardCharsets.UTF_8)), keyId);
            } else {
                s3(ex, keyId);
            }
        }
    }

    private void secretsManager(HttpExchange ex, String target, byte[] body) throws IOException {
        if (!"secretsmanager.GetSecretValue".equals(target)) {
            json(ex, 400, Map.of("__type", "InvalidRequestException", "Message", "unsupported " + target));
            return;
        }
        JsonNode request = JSON.readTree(body);
        String id = request.path("SecretId").asText();
        secretReads.incrementAndGet();
        Secret secret = secrets.get(id);
        if (secret == null) {
            json(ex, 400, Map.of("__type", "ResourceNotFoundException",
                    "Message", "Secrets Manager can't find the specified secret."));
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ARN", "arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:" + id + "-AbCdEf");
        out.put("Name", id);
        out.put("SecretString", secret.value());
        out.put("VersionId", secret.versionId());
        out.put("VersionStages", new String[] {"AWSCURRENT"});
        out.put("CreatedDate", System.currentTimeMillis() / 1000.0);
        json(ex, 200, out);
    }

    private void sts(HttpExchange ex, Map<String, String> form, String keyId) throws IOException {
        String action = form.getOrDefault("Action", "");
        if (action.equals("AssumeRole")) {
            assumeRoleCalls.incrementAndGet();
            assumeRoleCallers.add(String.valueOf(keyId));
            String role = form.get("RoleArn");
            String wanted = externalIds.get(role);
            if (deniedRoles.contains(role) || (wanted != null && !wanted.equals(form.get("ExternalId")))) {
                xml(ex, 403, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                        + "<Code>AccessDenied</Code><Message>User: arn:aws:iam::" + ACCOUNT + ":user/replicator is not"
                        + " authorized to perform: sts:AssumeRole on resource: " + role + "</Message></Error>"
                        + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
                return;
            }
            String session = form.get("RoleSessionName");
            String id = "ASIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
            String roleName = role.substring(role.indexOf(":role/") + 6);
            issuedSessions.put(id, roleName + "/" + session);
            xml(ex, 200, "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                    + "<Credentials><AccessKeyId>" + id + "</AccessKeyId><SecretAccessKey>role-secret-" + UUID.randomUUID()
                    + "</SecretAccessKey><SessionToken>role-token-" + UUID.randomUUID() + "</SessionToken>"
                    + "<Expiration>" + java.time.Instant.now().plusSeconds(3600) + "</Expiration></Credentials>"
                    + "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLEROLEID:" + session + "</AssumedRoleId><Arn>arn:aws:sts::"
                    + ACCOUNT + ":assumed-role/" + roleName + "/" + session + "</Arn></AssumedRoleUser>"
                    + "</AssumeRoleResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                    + "</RequestId></ResponseMetadata></AssumeRoleResponse>");
        } else if (action.equals("GetCallerIdentity")) {
            String session = keyId == null ? null : issuedSessions.get(keyId);
            String userId = session != null ? "AROAEXAMPLEROLEID:" + session.substring(session.indexOf('/') + 1)
                    : "AIDAEXAMPLEUSERID";
            String arn = session != null ? "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + session
                    : "arn:aws:iam::" + ACCOUNT + ":user/replicator";
            xml(ex, 200, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<GetCallerIdentityResult><Arn>" + arn + "</Arn><UserId>" + userId + "</UserId><Account>" + ACCOUNT
                    + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                    + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
        } else {
            xml(ex, 400, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>" + action
                    + "</Message></Error><RequestId>x</RequestId></ErrorResponse>");
        }
    }

    private void s3(HttpExchange ex, String keyId) throws IOException {
        boolean ok = keyId != null && acceptedS3Keys.contains(keyId);
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().add("x-amz-request-id", "r1");
            ex.sendResponseHeaders(ok ? 200 : 403, -1);
            return;
        }
        if (ok) {
            xml(ex, 200, "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>gate</Name>"
                    + "<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
        } else {
            xml(ex, 403, "<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not"
                    + " exist in our records.</Message></Error>");
        }
    }

    private static String keyId(String authorization) {
        if (authorization == null) {
            return null;
        }
        Matcher m = KEY_ID.matcher(authorization);
        return m.find() ? m.group(1) : null;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/x-amz-json-1.1", JSON.writeValueAsBytes(body));
    }

    private static void xml(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/xml", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
