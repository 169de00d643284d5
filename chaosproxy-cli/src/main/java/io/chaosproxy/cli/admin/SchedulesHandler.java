package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.ScenarioRun;
import io.chaosproxy.config.ConfigFormat;
import io.chaosproxy.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code /proxies/{name}/schedules} and {@code /proxies/{name}/schedules/{id}}: play a scenario on a proxy (POST, the
 * body a config file's route {@code schedule} as JSON: 201 with the run), list the runs playing on it (GET), read one
 * or cancel one (DELETE, 204). A bad body is a 400 listing every problem, at its line and column.
 */
final class SchedulesHandler extends Resource {
    private final ChaosProxy proxy;
    private final boolean one;

    private SchedulesHandler(ChaosProxy proxy, boolean one) {
        this.proxy = proxy;
        this.one = one;
    }

    static SchedulesHandler all(ChaosProxy proxy) {
        return new SchedulesHandler(proxy, false);
    }

    static SchedulesHandler one(ChaosProxy proxy) {
        return new SchedulesHandler(proxy, true);
    }

    @Override
    Response get(Request request) {
        Route route = Proxies.route(proxy, request.param(0));
        if (one) {
            return Response.json(200, json(run(route, request.param(1))));
        }
        ArrayNode runs = Json.arrayNode();
        route.scenarioRuns().forEach(run -> runs.add(json(run)));
        return Response.json(200, runs);
    }

    @Override
    Response post(Request request) {
        if (one) {
            return super.post(request);
        }
        Route route = Proxies.route(proxy, request.param(0));
        String body = new String(request.body(), StandardCharsets.UTF_8);
        // The config file's reader, so the shape and every check are the same; a ConfigException is a 400.
        ScenarioRun run = route.play(ConfigLoader.scenario(body, ConfigFormat.JSON));
        return Response.json(201, json(run));
    }

    @Override
    Response delete(Request request) {
        if (!one) {
            return super.delete(request);
        }
        run(Proxies.route(proxy, request.param(0)), request.param(1)).cancel();
        return Response.noContent();
    }

    private static ScenarioRun run(Route route, String id) {
        List<ScenarioRun> runs = route.scenarioRuns();
        return runs.stream().filter(run -> String.valueOf(run.id()).equals(id)).findFirst()
                .orElseThrow(() -> new ApiException(404, "schedule not found: proxy '" + route.name()
                        + "' plays no schedule " + id + "; it plays " + runs.stream().map(ScenarioRun::id).toList()));
    }

    private static ObjectNode json(ScenarioRun run) {
        ObjectNode node = Json.objectNode();
        node.put("id", run.id());
        node.put("proxy", run.route());
        node.put("state", run.isCancelled() ? "cancelled" : run.isDone() ? "completed" : "running");
        node.put("scenario", run.scenario().toString());
        node.put("steps_done", run.stepsDone());
        node.put("steps_failed", run.stepsFailed());
        List<ChaosEvent.ScenarioStepDone> steps = run.steps();
        if (!steps.isEmpty()) {
            ChaosEvent.ScenarioStepDone last = steps.get(steps.size() - 1);
            ObjectNode lastStep = node.putObject("last_step");
            lastStep.put("cycle", last.cycle());
            lastStep.put("step", last.step().toString());
            lastStep.put("at_ms", last.scheduled().toMillis());
            lastStep.put("late_us", last.late().toNanos() / 1_000);
            if (last.failed()) {
                lastStep.put("error", last.error());
            }
        }
        return node;
    }
}
