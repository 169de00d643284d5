package io.chaosproxy.cli.admin;

/**
 * One REST resource of the admin API. Each method it does not override answers 405, as Toxiproxy's router does
 * for a known path with the wrong method.
 */
abstract class Resource {

    Response get(Request request) {
        throw notAllowed(request);
    }

    Response post(Request request) {
        throw notAllowed(request);
    }

    /** Toxiproxy takes POST and PATCH alike for updates; resources that update route PATCH to POST. */
    Response patch(Request request) {
        throw notAllowed(request);
    }

    Response delete(Request request) {
        throw notAllowed(request);
    }

    private static ApiException notAllowed(Request request) {
        return new ApiException(405, "method " + request.method() + " not allowed here");
    }
}
