import t from 'tap'
import { walksDateIndex, WALK_FACTOR } from '../../src/db/repositories/search.js'

// Newest-first search pages: sort the matches, or walk the date index? The choice follows how dense
// the matches are, not how many there are (issue 15.3: an absolute 5,000 sorted 2,428 matches of
// 20,000 articles in ~250 ms where the walk took ~12 ms).
t.test('dense matches walk the date index; sparse ones are sorted; the same term decides alike at every size', async (t) => {
  const take = 21 // a first page of 20, plus one to see whether more exist
  t.ok(walksDateIndex(2_428, take, 20_000), '2,428 of 20,000 (one in 8): walk ~170 rows instead of sorting 2,428')
  t.notOk(walksDateIndex(100, take, 20_000), '100 of 20,000: sort 100 rather than walk ~4,200')
  t.ok(walksDateIndex(12_000, take, 100_000), 'one in 8 at 100,000: walk')
  t.notOk(walksDateIndex(400, take, 100_000), 'a rare term at 100,000: sort')
  t.notOk(walksDateIndex(250, take, 2_000), 'one in 8 at 2,000: sorting 250 rows is as cheap as the walk; the margin keeps the sort')
  t.ok(walksDateIndex(1_000, take, 2_000), 'one in 2 at 2,000: walk')
  t.notOk(walksDateIndex(20, take, 2_000), 'a rare term at 2,000: sort')
  t.notOk(walksDateIndex(0, take, 0), 'nothing to page')
  // Deeper pages take more rows: a walk must pass proportionally more articles.
  t.notOk(walksDateIndex(2_428, 20 * 40 + 1, 20_000), 'page 40 of a one-in-8 term sorts (a walk would pass ~6,600)')
  t.equal(WALK_FACTOR, 4)
})

t.test('a population smaller than the matches (a stale count) never divides the decision by zero', async (t) => {
  t.ok(walksDateIndex(500, 21, 0), 'treated as all-matching: walk')
})
