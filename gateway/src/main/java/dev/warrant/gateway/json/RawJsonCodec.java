package dev.warrant.gateway.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.warrant.adapters.RawJsonObject;
import io.vertx.core.json.jackson.DatabindCodec;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Teaches Vert.x's JSON encoder (the one mapper behind {@code JsonObject.encode()} and {@code toBuffer()})
 * to write an upstream's {@link RawJsonObject} as the characters the upstream sent, when no code has read it
 * since. A {@code tools/call} result is then relayed without being rebuilt and re-serialized on the event
 * loop. Without this codec (or once the object was read) the object is an ordinary map and is encoded as
 * one: installing it changes speed, never output meaning.
 */
public final class RawJsonCodec {

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private RawJsonCodec() {
    }

    /** Registers the serializer on Vert.x's shared mapper, once per JVM. */
    public static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            SimpleModule module = new SimpleModule("warrant-raw-json");
            module.addSerializer(RawJsonObject.class, new Serializer());
            DatabindCodec.mapper().registerModule(module);
        }
    }

    private static final class Serializer extends StdSerializer<RawJsonObject> {

        Serializer() {
            super(RawJsonObject.class);
        }

        @Override
        public void serialize(RawJsonObject value, JsonGenerator generator, SerializerProvider provider)
                throws IOException {
            String raw = value.untouched();
            if (raw != null) {
                generator.writeRawValue(raw);
                return;
            }
            generator.writeStartObject(value);
            for (Map.Entry<String, Object> entry : value.entrySet()) {
                generator.writeFieldName(entry.getKey());
                provider.defaultSerializeValue(entry.getValue(), generator);
            }
            generator.writeEndObject();
        }
    }
}
