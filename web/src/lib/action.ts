// One user action at a time: `busy` while it runs, `error` when it fails (shown by ErrorBox).
import { ref } from 'vue'

export function useAction() {
  const busy = ref(false)
  const error = ref<unknown>(null)
  async function run<T>(f: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    error.value = null
    try {
      return await f()
    } catch (e) {
      error.value = e
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}
