// Builds the web app into dist/, which `hetong serve` serves at `/`. Everything the app loads
// comes from the instance: the pdf.js worker, its character maps and standard fonts are copied
// next to the bundles (no CDN).
import { cpSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

function pdfjsAssets(): Plugin {
  return {
    name: 'hetong-pdfjs-assets',
    apply: 'build',
    writeBundle(options) {
      const out = options.dir ?? resolve(__dirname, 'dist')
      const from = resolve(__dirname, 'node_modules/pdfjs-dist')
      for (const dir of ['cmaps', 'standard_fonts']) {
        cpSync(resolve(from, dir), resolve(out, 'pdfjs', dir), { recursive: true })
      }
    },
  }
}

export default defineConfig({
  plugins: [vue(), pdfjsAssets()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    // No inline data: URLs for scripts; small images may still be inlined.
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` proxies the API to a local `hetong serve`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
