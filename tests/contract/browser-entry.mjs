// Browser entry of the contract suite, used as plain ESM (browser.html) and as
// the input of an esbuild bundle (bundle.html). The stand-in's URL comes in
// the page's query string; results land on window.__contract.
import * as lib from 'keywords-everywhere-backlinks';
import { runAll } from './cases.mjs';

const standIn = new URL(location.href).searchParams.get('standIn');
window.__contract = runAll(lib, standIn);
