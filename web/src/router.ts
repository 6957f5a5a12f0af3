import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { setUnauthenticatedHandler } from './lib/api'
import { checked, me, refreshMe } from './lib/session'

// Pages that need no session.
const PUBLIC = new Set(['login', 'register', 'verify-pdf', 'home'])

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: () => import('./views/HomeView.vue') },
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
    { path: '/register', name: 'register', component: () => import('./views/RegisterView.vue') },
    { path: '/verify', name: 'verify-pdf', component: () => import('./views/VerifyView.vue') },
    { path: '/identity', name: 'identity', component: () => import('./views/IdentityView.vue') },
    { path: '/profile', name: 'profile', component: () => import('./views/ProfileView.vue') },
    { path: '/orgs/new', name: 'org-new', component: () => import('./views/OrgNewView.vue') },
    { path: '/orgs/:id', name: 'org', component: () => import('./views/OrgView.vue'), props: true },
    { path: '/contracts', name: 'contracts', component: () => import('./views/ContractsView.vue') },
    { path: '/send', name: 'send', component: () => import('./views/SendView.vue') },
    { path: '/contracts/:id', name: 'contract', component: () => import('./views/ContractView.vue'), props: true },
    // Invitation links from emails: /sign/<contract>?invitation=<token>
    { path: '/sign/:id', name: 'sign', component: () => import('./views/InvitationView.vue'), props: true },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

function loginRedirect(to: RouteLocationNormalized) {
  return { name: 'login', query: { next: to.fullPath } }
}

router.beforeEach(async (to) => {
  if (!checked.value) await refreshMe()
  if (!me.value && !PUBLIC.has(String(to.name))) return loginRedirect(to)
  return true
})

// A session that ends while the app is open (expired, logged out elsewhere).
setUnauthenticatedHandler(() => {
  if (!checked.value) return // the first GET /me: the navigation guard decides
  me.value = null
  const here = router.currentRoute.value
  if (!PUBLIC.has(String(here.name))) router.push(loginRedirect(here))
})
