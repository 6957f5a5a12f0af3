#include "app/instance_fetcher.h"

namespace hetong::app {

std::optional<std::string> InstanceFetcher::LocalPath(const std::string& url) const {
  if (public_url_.empty() || url.compare(0, public_url_.size(), public_url_) != 0)
    return std::nullopt;
  std::string rest = url.substr(public_url_.size());
  if (!rest.empty() && rest[0] != '/') return std::nullopt;  // another host that shares a prefix
  return rest.empty() ? "/" : rest;
}

StatusOr<Bytes> InstanceFetcher::Local(const std::string& method, const std::string& target,
                                       const std::string& content_type, ByteView body) {
  api::HttpRequest req;
  req.method = method;
  req.target = target;
  size_t q = target.find('?');
  req.path = api::PercentDecode(target.substr(0, q), false);
  if (q != std::string::npos) req.query = target.substr(q + 1);
  if (!content_type.empty()) req.headers.emplace_back("content-type", content_type);
  req.body.assign(body.begin(), body.end());
  req.remote_address = "in-process";
  api::HttpResponse resp = router_.Dispatch(req);
  if (resp.status != 200) {
    return UnavailableError(method + " " + public_url_ + target + " answered " +
                            std::to_string(resp.status));
  }
  return Bytes(resp.body.begin(), resp.body.end());
}

StatusOr<Bytes> InstanceFetcher::Get(const std::string& url) {
  if (auto path = LocalPath(url)) return Local("GET", *path, "", {});
  return network_.Get(url);
}

StatusOr<Bytes> InstanceFetcher::Post(const std::string& url, const std::string& content_type,
                                      ByteView body) {
  if (auto path = LocalPath(url)) return Local("POST", *path, content_type, body);
  return network_.Post(url, content_type, body);
}

}  // namespace hetong::app
