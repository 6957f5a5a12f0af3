wrk.method = "POST"
wrk.body = "hello"
wrk.headers["Content-Type"] = "application/ocsp-request"
