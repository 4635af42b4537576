package io.pypub.core.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB items as DynamoDB JSON ({"S": "..."}, {"N": "1"}, ...), the same shape DynamoDB's own
 * export and the AWS CLI use, so a backup round-trips every attribute type exactly.
 */
final class DynamoJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DynamoJson() {}

    static String write(Map<String, AttributeValue> item) {
        ObjectNode o = JSON.createObjectNode();
        item.forEach((k, v) -> o.set(k, node(v)));
        return o.toString();
    }

    static Map<String, AttributeValue> read(String line) {
        try {
            JsonNode o = JSON.readTree(line);
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            o.fields().forEachRemaining(e -> item.put(e.getKey(), value(e.getValue())));
            return item;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Not a DynamoDB JSON item: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode node(AttributeValue v) {
        ObjectNode o = JSON.createObjectNode();
        switch (v.type()) {
            case S -> o.put("S", v.s());
            case N -> o.put("N", v.n());
            case B -> o.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case BOOL -> o.put("BOOL", v.bool());
            case NUL -> o.put("NULL", true);
            case SS -> v.ss().forEach(o.putArray("SS")::add);
            case NS -> v.ns().forEach(o.putArray("NS")::add);
            case BS -> v.bs().forEach(b -> o.withArray("BS").add(Base64.getEncoder().encodeToString(b.asByteArray())));
            case L -> {
                ArrayNode a = o.putArray("L");
                v.l().forEach(e -> a.add(node(e)));
            }
            case M -> {
                ObjectNode m = o.putObject("M");
                v.m().forEach((k, e) -> m.set(k, node(e)));
            }
            default -> throw new IllegalArgumentException("Unsupported attribute type " + v.type());
        }
        return o;
    }

    private static AttributeValue value(JsonNode o) {
        if (!o.isObject() || o.size() != 1) {
            throw new IllegalArgumentException("Not a DynamoDB JSON attribute: " + o);
        }
        var e = o.fields().next();
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "S" -> AttributeValue.fromS(x.asText());
            case "N" -> AttributeValue.fromN(x.asText());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText())));
            case "BOOL" -> AttributeValue.fromBool(x.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            case "SS" -> AttributeValue.fromSs(texts(x));
            case "NS" -> AttributeValue.fromNs(texts(x));
            case "BS" -> AttributeValue.fromBs(texts(x).stream().map(t -> SdkBytes.fromByteArray(Base64.getDecoder().decode(t))).toList());
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                x.forEach(i -> l.add(value(i)));
                yield AttributeValue.fromL(l);
            }
            case "M" -> {
                Map<String, AttributeValue> m = new LinkedHashMap<>();
                x.fields().forEachRemaining(f -> m.put(f.getKey(), value(f.getValue())));
                yield AttributeValue.fromM(m);
            }
            default -> throw new IllegalArgumentException("Unknown DynamoDB JSON type " + e.getKey());
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(i -> out.add(i.asText()));
        return out;
    }
}
