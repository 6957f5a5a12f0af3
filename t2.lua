wrk.method = "POST"
wrk.body = "hello"
