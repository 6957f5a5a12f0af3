// A background thread that runs a pass of work now and then: every `interval`, or at once when
// woken with Notify(). The outbox worker and the webhook dispatcher run on it; tests call
// their RunOnce() directly instead and never wait for the thread.
//
// Thread-safety: all methods may be called from any thread; the pass runs on the worker
// thread only, one at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace hetong::notify {

class WorkerThread {
 public:
  WorkerThread() = default;
  ~WorkerThread() { Stop(); }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // Starts the thread (no effect when running). `pass` runs at once, then after each wake-up.
  void Start(std::function<void()> pass, std::chrono::milliseconds interval) {
    std::lock_guard<std::mutex> lock(mu_);
    if (thread_.joinable()) return;
    stop_ = false;
    wake_ = false;
    thread_ = std::thread([this, pass = std::move(pass), interval] {
      std::unique_lock<std::mutex> lk(mu_);
      while (!stop_) {
        wake_ = false;
        lk.unlock();
        pass();
        lk.lock();
        cv_.wait_for(lk, interval, [this] { return stop_ || wake_; });
      }
    });
  }

  // Wakes the thread for a pass now (or right after the current one).
  void Notify() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      wake_ = true;
    }
    cv_.notify_all();
  }

  // Stops the thread after its current pass and waits for it.
  void Stop() {
    std::thread t;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      t = std::move(thread_);
    }
    cv_.notify_all();
    if (t.joinable()) t.join();
  }

  bool running() {
    std::lock_guard<std::mutex> lock(mu_);
    return thread_.joinable();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
  bool stop_ = false;
  bool wake_ = false;
};

}  // namespace hetong::notify
