# Build stage: the same Maven build as CI, tests left to CI.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY proxy/pom.xml proxy/
# The parent lists the JMH module too; its pom must be there for the reactor, its code is not built.
COPY bench/pom.xml bench/
RUN mvn -B -q -pl proxy -am dependency:go-offline
COPY proxy proxy
RUN mvn -B -q -pl proxy -am -DskipTests package

# Runtime stage: a JRE and the one jar.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 fader && mkdir -p /etc/fader /var/lib/fader && chown fader /var/lib/fader
COPY --from=build /src/proxy/target/fader.jar /opt/fader/fader.jar
COPY config/canary-10.yaml /etc/fader/rollout.yaml
USER fader
WORKDIR /var/lib/fader
# 8080: proxy (listen:), 9901: admin API and /metrics (admin:). The config must listen on 0.0.0.0 in a container.
EXPOSE 8080 9901
STOPSIGNAL SIGTERM
# The launcher's JVM defaults (scripts/fader; README, Performance), plus three quarters of the container's
# memory for the heap (the JVM's default quarter suits a shared host, not a container of its own).
# FADER_JAVA_OPTS, when set, comes last and overrides any of them.
ENV FADER_JAVA_OPTS=""
ENTRYPOINT ["sh", "-c", "case \"$FADER_JAVA_OPTS\" in *-XX:+Use*GC*) gc= ;; *) gc=-XX:+UseParallelGC ;; esac; exec java $gc -XX:MetaspaceSize=128m -XX:MaxRAMPercentage=75 $FADER_JAVA_OPTS -jar /opt/fader/fader.jar \"$@\"", "fader"]
CMD ["run", "--config", "/etc/fader/rollout.yaml"]
