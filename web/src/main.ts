import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { setLang, lang } from './lib/i18n'
import './style.css'

setLang(lang.value)
createApp(App).use(router).mount('#app')
