package org.lesionseg.unet.plugins;

import java.awt.BorderLayout;
import java.awt.Button;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.Frame;
import java.awt.GridLayout;
import java.awt.Label;
import java.awt.Panel;
import java.awt.event.KeyAdapter;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.ClassRois;
import org.lesionseg.unet.ij.ImageRois;
import org.lesionseg.unet.ij.RoiConversion;
import org.lesionseg.unet.workflow.ReviewSession;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;

/**
 * The small non-modal window of a review: which slice is on show (rank n of N), its score, how many slices are
 * accepted and rejected, and buttons (with keys while the window has the focus) for previous (P, ←), accept (A),
 * reject (R), next (N, →) and "Fine-tune now". The slice's ROIs are in the ROI Manager (the one the user edits) and the
 * image shows the ROI Manager's ROIs as its overlay, so a deleted ROI disappears from the image too. Edits of a slice
 * left without a decision are kept while the panel is open.
 * <p>
 * A review of several classes adds a class chooser (keys 1..9): it sets the class of the ROIs selected in the ROI
 * Manager ({@link ClassRois#setClass}: name, group, colour), ROIs the user adds get the class chosen, and accepting
 * writes the label mask of the ROIs' classes.
 */
public final class ReviewPanel extends Frame {

	private static final long serialVersionUID = 1L;

	private final transient ReviewSession session;
	private final transient ImagePlus imp;
	private final String command;
	private final Label where = new Label();
	private final Label score = new Label();
	private final Label counts = new Label();
	/** The class of selected and new ROIs; null in a binary review. */
	private final Choice classes;
	/** ROIs of slices left undecided, by 0-based plane. */
	private final transient Map<Integer, List<Roi>> working = new HashMap<>();
	private int rank = -1;
	private static final int SYNC_MS = 250;
	/** The manager's ROIs the overlay shows (the same objects, compared by identity). */
	private transient List<Roi> shown = new ArrayList<>();
	private final transient javax.swing.Timer sync = new javax.swing.Timer(SYNC_MS, e -> syncOverlay(RoiManagers.get(false)));
	private volatile boolean tuning;

	private ReviewPanel(ReviewSession session, ImagePlus imp, String command) {
		super(command + ": " + imp.getTitle());
		this.session = session;
		this.imp = imp;
		this.command = command;
		setLayout(new BorderLayout(4, 4));
		classes = session.isMultiClass() ? new Choice() : null;
		Panel labels = new Panel(new GridLayout(classes == null ? 4 : 5, 1));
		where.setFont(new Font("SansSerif", Font.BOLD, 12));
		labels.add(where);
		labels.add(score);
		labels.add(counts);
		String classKeys = classes == null ? "" : ", 1.." + Math.min(9, session.classNames().size()) + " class";
		labels.add(new Label("Keys: A accept, R reject, N/→ next, P/← previous" + classKeys));
		if (classes != null) {
			for (String name : session.classNames())
				classes.add(name);
			classes.addItemListener(e -> act(() -> setClassOfSelected(classes.getSelectedIndex() + 1)));
			Panel row = new Panel(new FlowLayout(FlowLayout.LEFT, 4, 0));
			row.add(new Label("Class of selected and new ROIs:"));
			row.add(classes);
			labels.add(row);
		}
		add(labels, BorderLayout.CENTER);
		Panel buttons = new Panel(new GridLayout(1, 5, 4, 0));
		buttons.add(button("< Previous", this::previous));
		buttons.add(button("Accept", this::accept));
		buttons.add(button("Reject", this::reject));
		buttons.add(button("Next >", this::next));
		buttons.add(button("Fine-tune now", this::fineTune));
		add(buttons, BorderLayout.SOUTH);
		KeyAdapter keys = new KeyAdapter() {
			@Override
			public void keyPressed(KeyEvent e) {
				key(e.getKeyCode());
			}
		};
		for (Component c : allComponents())
			c.addKeyListener(keys);
		addWindowListener(new WindowAdapter() {
			@Override
			public void windowClosing(WindowEvent e) {
				leave();
				session.save();
				sync.stop();
				dispose();
			}
		});
		pack();
	}

	/** Opens the panel on the slice where the review stopped (the most uncertain one for a new review). */
	static ReviewPanel open(ReviewSession session, ImagePlus imp, String command) {
		ReviewPanel panel = new ReviewPanel(session, imp, command);
		if (imp.getWindow() == null)
			imp.show();
		int start = session.decision(session.order()[session.position()]) == ReviewSession.Decision.OPEN ? session.position()
			: Math.max(session.nextOpen(session.position()), session.position());
		panel.show(start);
		panel.setVisible(true);
		panel.sync.start();
		return panel;
	}

	private Button button(String label, Runnable action) {
		Button b = new Button(label);
		b.addActionListener(e -> act(action));
		return b;
	}

	private List<Component> allComponents() {
		List<Component> all = new ArrayList<>();
		addAll(this, all);
		return all;
	}

	private static void addAll(Component c, List<Component> all) {
		all.add(c);
		if (c instanceof Container)
			for (Component child : ((Container) c).getComponents())
				addAll(child, all);
	}

	/** The keys of the panel: A accept, R reject, N or → next, P or ← previous; 1..9 a class of a multi-class review. */
	void key(int code) {
		switch (code) {
			case KeyEvent.VK_A:
				act(this::accept);
				break;
			case KeyEvent.VK_R:
				act(this::reject);
				break;
			case KeyEvent.VK_N:
			case KeyEvent.VK_RIGHT:
				act(this::next);
				break;
			case KeyEvent.VK_P:
			case KeyEvent.VK_LEFT:
				act(this::previous);
				break;
			default:
				int label = code >= KeyEvent.VK_NUMPAD0 && code <= KeyEvent.VK_NUMPAD9 ? code - KeyEvent.VK_NUMPAD0 : code - KeyEvent.VK_0;
				if (classes != null && label >= 1 && label <= Math.min(9, session.classNames().size()))
					act(() -> chooseClass(label));
				break;
		}
	}

	/** Runs a step; a problem the user can fix (a full disk, a mask that does not fit) is one message, the panel stays. */
	private void act(Runnable action) {
		try {
			action.run();
		} catch (UnetException e) {
			UNetCommand.reportError(command, e.getMessage());
		}
		requestFocus();
	}

	/** The 0-based plane on show. */
	public int plane() {
		return session.order()[rank];
	}

	/** The rank on show (0 = most uncertain). */
	public int rank() {
		return rank;
	}

	void show(int newRank) {
		rank = newRank;
		session.position(rank);
		int plane = plane();
		if (imp.getStackSize() > 1)
			imp.setPosition(ReviewStacks.stackIndex(imp, plane + 1));
		List<Roi> rois = working.containsKey(plane) ? working.get(plane) : session.predictedRois(plane);
		imp.deleteRoi(); // a selection left from the slice before is not this slice's
		RoiManager manager = RoiManagers.get(true);
		removeOwnRois(manager);
		for (Roi r : rois) {
			Roi copy = (Roi) r.clone();
			if (imp.getStackSize() > 1)
				copy.setPosition(ReviewStacks.stackIndex(imp, plane + 1));
			manager.add(imp, copy, -1);
		}
		syncOverlay(manager);
		update();
	}

	/**
	 * Shows the manager's ROIs of this image as the overlay when they changed since the last time: ROIs deleted, added or
	 * updated in the ROI Manager are seen on the image at once (a timer checks every {@value #SYNC_MS} ms).
	 */
	void syncOverlay(RoiManager manager) {
		syncOverlay(manager, false);
	}

	/** @param changed a ROI changed in place (its class): draw the overlay again though the manager holds the same ROIs */
	private void syncOverlay(RoiManager manager, boolean changed) {
		if (manager == null)
			return;
		List<Roi> own = ownRois(manager);
		if (!changed && sameObjects(own, shown) && imp.getOverlay() != null)
			return;
		classifyNew(manager);
		Overlay overlay = new Overlay();
		for (Roi r : own)
			overlay.add((Roi) r.clone());
		imp.setOverlay(overlay);
		shown = own;
	}

	private static boolean sameObjects(List<Roi> a, List<Roi> b) {
		if (a.size() != b.size())
			return false;
		for (int i = 0; i < a.size(); i++)
			if (a.get(i) != b.get(i))
				return false;
		return true;
	}

	private List<Roi> ownRois(RoiManager manager) {
		List<Roi> own = new ArrayList<>();
		for (Roi r : manager.getRoisAsArray())
			if (ImageRois.ownerOf(r, imp) != ImageRois.Owner.OTHER_IMAGE)
				own.add(r);
		return own;
	}

	/** ROIs the user added without a class get the class chosen (as a prediction's: name, group, colour). */
	private void classifyNew(RoiManager manager) {
		if (classes == null)
			return;
		for (int i = 0; i < manager.getCount(); i++) {
			Roi r = manager.getRoi(i);
			if (!ClassRois.hasClass(r) && ImageRois.ownerOf(r, imp) != ImageRois.Owner.OTHER_IMAGE)
				setClass(manager, i, classes.getSelectedIndex() + 1);
		}
	}

	private void setClass(RoiManager manager, int index, int label) {
		Roi r = manager.getRoi(index);
		ClassRois.setClass(r, label, session.classNames(), session.classColours());
		manager.rename(index, r.getName()); // the manager's list shows the new name
	}

	/** Chooses class {@code label} (1..K) for new ROIs and gives it to the ROIs selected in the ROI Manager. */
	void chooseClass(int label) {
		if (classes == null)
			throw new IllegalStateException("a binary review has no classes");
		classes.select(label - 1);
		setClassOfSelected(label);
	}

	/** The class chooser's work: the selected ROIs of this image get the class, the overlay shows it at once. */
	private void setClassOfSelected(int label) {
		RoiManager manager = RoiManagers.get(false);
		if (manager == null)
			return;
		int set = 0;
		int[] selected = manager.getSelectedIndexes();
		for (int i : selected)
			if (ImageRois.ownerOf(manager.getRoi(i), imp) != ImageRois.Owner.OTHER_IMAGE) {
				setClass(manager, i, label);
				set++;
			}
		// the image's selection is a copy of the one ROI selected: it shows the new class too
		Roi selection = imp.getRoi();
		if (set == 1 && selected.length == 1 && selection != null) {
			ClassRois.setClass(selection, label, session.classNames(), session.classColours());
			imp.draw();
		}
		syncOverlay(manager, true);
		IJ.showStatus(command + ": class " + session.classNames().get(label - 1) + " for " + set + " selected ROI(s) and the ROIs added next");
	}

	/** The class chooser, or null in a binary review. */
	Choice classChooser() {
		return classes;
	}

	/** The class chosen for new ROIs (1..K), or 0 in a binary review. */
	public int chosenClass() {
		return classes == null ? 0 : classes.getSelectedIndex() + 1;
	}

	private void removeOwnRois(RoiManager manager) {
		for (int i = manager.getCount() - 1; i >= 0; i--)
			if (ImageRois.ownerOf(manager.getRoi(i), imp) != ImageRois.Owner.OTHER_IMAGE)
				manager.delete(i);
	}

	private void update() {
		int plane = plane();
		where.setText(String.format(Locale.ROOT, "Slice %d (%s): %d of %d, most uncertain first", plane + 1, session.name(plane), rank + 1, session.slices()));
		score.setText(String.format(Locale.ROOT, "Score %.4f; %s", session.score(plane), session.decision(plane).name().toLowerCase(Locale.ROOT)));
		counts.setText(String.format(Locale.ROOT, "Accepted %d, rejected %d, open %d", session.count(ReviewSession.Decision.ACCEPTED),
			session.count(ReviewSession.Decision.REJECTED), session.count(ReviewSession.Decision.OPEN)));
		IJ.showStatus(command + ": " + where.getText());
	}

	/** Keeps the ROI Manager's ROIs of the slice on show for when it comes back. */
	private void leave() {
		if (rank < 0)
			return;
		RoiManager manager = RoiManagers.get(false);
		if (manager != null)
			working.put(plane(), cloned(ownRois(manager)));
	}

	private static List<Roi> cloned(List<Roi> rois) {
		List<Roi> copies = new ArrayList<>();
		for (Roi r : rois)
			copies.add((Roi) r.clone());
		return copies;
	}

	void accept() {
		RoiManager manager = RoiManagers.get(true);
		// the manager holds this slice's ROIs only: every one of them marks this slice, whatever position it got
		if (session.isMultiClass()) {
			classifyNew(manager); // a ROI added since the last look gets the class chosen, as it would have
			session.acceptLabels(plane(), ClassRois.labelMask(ownRois(manager), session.classNames(), imp.getWidth(), imp.getHeight()));
		} else
			session.accept(plane(), RoiConversion.toMask(ownRois(manager), imp.getWidth(), imp.getHeight()));
		working.remove(plane());
		IJ.log(command + ": accepted slice " + (plane() + 1) + " (" + session.name(plane()) + ")");
		advance();
	}

	void reject() {
		session.reject(plane());
		working.remove(plane());
		IJ.log(command + ": rejected slice " + (plane() + 1) + " (" + session.name(plane()) + ")");
		advance();
	}

	/** To the next open slice, or stays with every slice decided. */
	private void advance() {
		int next = session.nextOpen(rank);
		if (next < 0) {
			update();
			IJ.showStatus(command + ": every slice is decided; Fine-tune now trains on the accepted ones");
			return;
		}
		show(next);
	}

	void next() {
		leave();
		show((rank + 1) % session.slices());
	}

	void previous() {
		leave();
		show((rank - 1 + session.slices()) % session.slices());
	}

	/** Fine-tunes on a thread of its own (the panel stays usable); Esc stops it. */
	void fineTune() {
		if (tuning) {
			IJ.showStatus(command + ": a fine-tuning is running");
			return;
		}
		tuning = true;
		Thread t = new Thread(() -> {
			try {
				EngineContext.run(() -> ReviewUNetSegmentation.fineTune(session, command, new AtomicBoolean()));
			} catch (UnetException e) {
				UNetCommand.reportError(command, e.getMessage());
			} finally {
				tuning = false;
			}
		}, "UNet fine-tuning");
		t.start();
	}

	/** The session the panel shows. */
	public ReviewSession session() {
		return session;
	}
}
