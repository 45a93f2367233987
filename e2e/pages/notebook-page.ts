import { expect, type Locator, type Page } from '@playwright/test';

/** A notebook in Jupyter Notebook 6 (/s/<id>/notebooks/<name>.ipynb). */
export class NotebookPage {
  static readonly urlPattern = /\/s\/[a-z0-9-]+\/notebooks\/[^?#]+\.ipynb/;

  readonly kernelIdle: Locator;
  readonly codeCells: Locator;

  constructor(readonly page: Page) {
    this.kernelIdle = page.locator('#kernel_indicator_icon.kernel_idle_icon');
    this.codeCells = page.locator('#notebook-container .cell.code_cell');
  }

  /** The notebook is open and its kernel has started and reports idle. */
  async waitUntilReady(): Promise<void> {
    await expect(this.page).toHaveURL(NotebookPage.urlPattern, { timeout: 60_000 });
    await expect(this.codeCells.first()).toBeVisible();
    await expect(this.kernelIdle).toBeAttached({ timeout: 60_000 });
  }

  cell(index: number): Locator {
    return this.codeCells.nth(index);
  }

  /** The text output of a cell (stream or result). */
  output(index: number): Locator {
    return this.cell(index).locator('.output_subarea.output_text');
  }

  /** Types code into a cell and runs it with Shift+Enter. */
  async runInCell(index: number, code: string): Promise<void> {
    const editor = this.cell(index).locator('.CodeMirror');
    await editor.click();
    await expect(this.cell(index)).toHaveClass(/\bselected\b/);
    await this.page.keyboard.type(code);
    await expect(editor.locator('.CodeMirror-code')).toContainText(code);
    await this.page.keyboard.press('Shift+Enter');
  }
}
