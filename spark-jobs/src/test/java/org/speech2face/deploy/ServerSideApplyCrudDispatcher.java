package org.speech2face.deploy;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.server.mock.crud.PatchHandler;
import io.fabric8.kubernetes.client.server.mock.crud.PostHandler;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * fabric8's CRUD mock API server with server-side apply: Spark 3.5 creates the driver's Service and ConfigMap with
 * {@code PATCH ...?fieldManager=fabric8&force=true} ({@code application/apply-patch+yaml}), which the 6.7 CRUD
 * dispatcher answers 404 for a resource not there yet (fabric8io/kubernetes-client#5337). An apply-patch here creates
 * the resource when it is missing and merges it otherwise, as an API server does.
 */
final class ServerSideApplyCrudDispatcher extends KubernetesCrudDispatcher {
    private final PostHandler create = new PostHandler((KubernetesAttributesExtractor) attributeExtractor, this);
    private final PatchHandler merge = new PatchHandler(this);

    @Override
    public synchronized MockResponse handlePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null || !type.startsWith("application/apply-patch+yaml")) {
            return super.handlePatch(request);
        }
        String path = request.getPath().split("\\?", 2)[0];
        String body = request.getBody().readUtf8();
        try {
            if (findResource(getKey(path)) == null) {
                return create.handle(path.substring(0, path.lastIndexOf('/')), "application/json", body);
            }
            return merge.handle(path, "application/merge-patch+json", body);
        } catch (KubernetesCrudDispatcherException e) {
            return new MockResponse().setResponseCode(e.getCode()).setBody(e.toStatusBody());
        }
    }
}
