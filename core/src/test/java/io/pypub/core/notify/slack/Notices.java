package io.pypub.core.notify.slack;

import io.pypub.core.notify.FailureNotice;
import io.pypub.core.notify.PublishNotice;
import java.util.List;

/** Sample notices shared by the Slack tests. */
final class Notices {
    static final String SDIST_SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String WHEEL_SHA = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    static final String INDEX_URL = "https://pypi.example.com/dev/simple/hello-package/";
    static final String DOCS_URL = "https://pypi.example.com/dev/docs/hello-package/1.2.0/";
    static final String BUILD_URL = "https://jenkins.example.com/job/hello/42/";

    private Notices() {}

    static PublishNotice published() {
        return published(INDEX_URL, DOCS_URL, new PublishNotice.Latest("1.2.0", true, false, null));
    }

    static PublishNotice published(String indexUrl, String docsUrl, PublishNotice.Latest latest) {
        return new PublishNotice("hello-package", "Hello-Package", "1.2.0", "dev",
                List.of(new PublishNotice.FileInfo("hello_package-1.2.0.tar.gz", SDIST_SHA, 2_560),
                        new PublishNotice.FileInfo("hello_package-1.2.0-py3-none-any.whl", WHEEL_SHA, 812)),
                indexUrl, docsUrl, BUILD_URL, "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39", latest);
    }

    static FailureNotice failed(String error) {
        return new FailureNotice(null, "/builds/ws/hello-package", "prod", error, "alice@build-host", "4f2a9c1");
    }
}
