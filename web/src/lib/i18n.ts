// Chinese first, English available. `t('key', {name})` looks the key up in the current
// language (falling back to Chinese, then to the key itself) and fills {name} placeholders.
// The language is remembered in localStorage (it is not a secret).
import { ref } from 'vue'
import { messages, type Lang } from './messages'

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('hetong.lang') : null
export const lang = ref<Lang>(stored === 'en' ? 'en' : 'zh')

export function setLang(l: Lang) {
  lang.value = l
  try {
    localStorage.setItem('hetong.lang', l)
  } catch {
    // private mode: the choice lasts for this page only
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
}

export function t(key: string, params?: Record<string, string | number>): string {
  const text = messages[lang.value][key] ?? messages.zh[key] ?? key
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}
