package org.lesionseg.unet.plugins;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lesionseg.unet.core.UnetException;
import org.lesionseg.unet.ij.ClassRois;
import org.lesionseg.unet.ij.ImagePlanes;
import org.lesionseg.unet.ij.ImageRois;
import org.lesionseg.unet.ij.Progress;
import org.lesionseg.unet.ij.StatusProgress;
import org.lesionseg.unet.ij.TrainingPlot;
import org.lesionseg.unet.workflow.ReviewJob;
import org.lesionseg.unet.workflow.ReviewRequest;
import org.lesionseg.unet.workflow.ReviewSession;
import org.lesionseg.unet.workflow.SegmentationJob;
import org.lesionseg.unet.workflow.TrainingJob;
import org.lesionseg.unet.workflow.options.Option;
import org.lesionseg.unet.workflow.options.OptionValues;
import org.lesionseg.unet.workflow.options.ReviewOptions;
import org.lesionseg.unet.workflow.sources.ImageSource;
import org.lesionseg.unet.workflow.sources.SourceImage;
import org.scijava.command.Command;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.plugin.frame.RoiManager;

/**
 * Plugins › Segmentation › Review UNet Segmentation: the review loop in one command. Predicts every slice of an open
 * stack (or reads earlier predictions), ranks the slices most-uncertain first and shows them one by one in a small panel
 * ({@link ReviewPanel}) with their ROIs in the overlay and the ROI Manager; accepted (and corrected) slices go into a
 * training set folder at once, and "Fine-tune now" continues training the model on them.
 * <p>
 * A script drives the same review with macro keys: {@code ranking_file} writes the ranking, {@code accept} and
 * {@code reject} decide slices (their masks drawn from the ROIs the script left in the ROI Manager, else in the image's
 * overlay, else as predicted), {@code fine_tune} fine-tunes. Without a display, or with any of these keys, there is no
 * panel.
 */
@Plugin(type = Command.class, headless = true, description = "Review a segmentation slice by slice, most uncertain first, and fine-tune on the corrections", menu = {
	@Menu(label = "Plugins"), @Menu(label = "Segmentation"), @Menu(label = "Review UNet Segmentation", weight = 13) })
public class ReviewUNetSegmentation extends UNetCommand {

	@Parameter(label = "Image", persist = false, description = "The open stack to review, by title; the current image when not given")
	private ImagePlus image;

	@Parameter(label = "Model file", style = FileWidget.OPEN_STYLE, required = false, persist = false, description = "Model file (.zip) written by Train UNet that predicts each slice; empty when predictions_folder is given")
	private File model_file;

	@Parameter(label = "Predictions folder", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "Folder of earlier predictions of the slices (NAME_prob.tif, optional NAME_uncertainty.tif and NAME_rois.zip, as Segment Folder writes them) instead of predicting with model_file")
	private File predictions_folder;

	@Parameter(label = "Training set folder", style = FileWidget.DIRECTORY_STYLE, persist = false, description = "Training set folder for the accepted slices (images/, masks/) and the review's state (review.json); not a folder of the inputs")
	private File output_folder;

	@Parameter(label = "File format", choices = { "png", "tiff" }, persist = false, description = "File type of 8-bit and RGB slices and of the masks; 16-bit and 32-bit slices are always TIFF")
	private String file_format = "png";

	@Parameter(label = "Ranking CSV", style = FileWidget.SAVE_STYLE, required = false, persist = false, description = "CSV file to write the slices to, most uncertain first, with their scores and decisions; empty for none")
	private File ranking_file;

	@Parameter(label = "Accept slices", required = false, persist = false, description = "Slices to accept without the panel, e.g. 3,5,7 (1-based): their ROIs in the ROI Manager (else in the image's overlay, else as predicted) become their masks; label masks by the ROIs' classes (ROI group k = class k) for a model of several classes")
	private String accept = "";

	@Parameter(label = "Reject slices", required = false, persist = false, description = "Slices to reject without the panel, e.g. 2 (1-based); a slice accepted before is taken out of the set")
	private String reject = "";

	@Parameter(label = "Fine-tune", persist = false, description = "Fine-tune the model on the accepted slices after the decisions (the panel has a button for it)")
	private boolean fine_tune = false;

	@Parameter(label = "Fine-tuned model", style = FileWidget.SAVE_STYLE, required = false, persist = false, description = "Model file the fine-tuning writes; empty for NAME-reviewed.zip in output_folder (never the input model)")
	private File tuned_model;

	@Parameter(label = "Original training set", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false, description = "The model's original training set (images/ and masks/) to fine-tune on together with the accepted slices; empty for these alone")
	private File training_folder;

	@Parameter(label = "Fine-tuning epochs", min = "1", persist = false, description = "Epochs of the fine-tuning")
	private int epochs = 5;

	@Parameter(label = "Fine-tuning augmentation", persist = false, description = "Augmentation while fine-tuning: none (the accepted slices as they are), model (the model's own, as Train UNet used it) or a list as Train UNet's augment, e.g. flip,rotate=15")
	private String augment = "none";

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05", persist = false, description = "Probability above which a pixel is lesion")
	private double threshold = 0.5;

	@Parameter(label = "Minimum object size", min = "0", persist = false, description = "Objects smaller than this many pixels are removed (specks of a few pixels are noise); 0 keeps all")
	private int min_size = 5;

	@Parameter(label = "Fill holes", persist = false, description = "Fill holes inside objects")
	private boolean fill_holes = false;

	@Parameter(label = "Tile size", min = "0", persist = false, description = "Side of the tiles an image is cut into; 0 for the training size")
	private int tile = 0;

	@Parameter(label = "Tile overlap", min = "-1", persist = false, description = "Overlap of neighbouring tiles in pixels; -1 for a quarter tile")
	private int overlap = -1;

	@Parameter(label = "Tiles per batch", min = "1", persist = false, description = "Tiles run through the network at once; lower it when memory runs out")
	private int tile_batch = 4;

	@Parameter(label = "Device", persist = false, description = "auto (every GPU PyTorch sees, else the CPU), cpu, gpu, gpu:N or gpu:N,M (training splits each batch over those GPUs)")
	private String device = "auto";

	private ReviewSession session;
	private ReviewPanel panel;
	private TrainingJob.Outcome tuned;

	OptionValues values() {
		return ReviewOptions.SET.parse(MacroKeys.values(this, ReviewOptions.SET), Option.Where.FIJI);
	}

	@Override
	protected void execute() {
		ImagePlus imp = OpenImages.givenOrCurrent(image);
		if (imp.getStackSize() == 0)
			throw new UnetException(imp.getTitle() + " has no slices to review");
		ImageSource source = ImageSource.of(imp.getTitle(),
			Collections.singletonList(new SourceImage(ImagePlanes.of(imp), ImagePlanes.calibration(imp))));
		ReviewRequest request = ReviewRequest.of(values(), source, TrainingSetPlanes.folderOf(imp));
		Progress progress = Progress.imageJ();
		session = ReviewJob.open(request, ReviewStacks.of(imp), new SegmentationJob.Listener() {
			@Override
			public void planeStarting(int image, int images, int plane, int planes, String name) {
				progress.step(plane, planes, commandName() + ": predicting " + imp.getTitle());
			}

			@Override
			public void warning(String message) {
				IJ.log(commandName() + ": warning: " + message);
			}

			@Override
			public boolean stopRequested() {
				return ReviewUNetSegmentation.this.stopRequested();
			}
		});
		int first = session.order()[0];
		IJ.log(String.format(Locale.ROOT, "%s: %d slice(s) of %s ranked by uncertainty (most uncertain: slice %d, score %.4f); %d accepted, %d rejected so far; state in %s",
			commandName(), session.slices(), imp.getTitle(), first + 1, session.score(first), session.count(ReviewSession.Decision.ACCEPTED),
			session.count(ReviewSession.Decision.REJECTED), request.trainingSet.folder.resolve(ReviewSession.STATE_FILE)));
		if (session.isMultiClass()) {
			ClassRois.nameGroups(session.classNames());
			IJ.log(commandName() + ": classes " + String.join(", ", session.classNames()) + " (ROI group k = class k); accepted slices get label masks 0.."
				+ session.classNames().size());
		}
		progress.done(commandName() + ": " + session.slices() + " slice(s) ranked");
		if (!request.scripted() && someoneSeesImageJ() && !Interpreter.isBatchMode()) {
			panel = ReviewPanel.open(session, imp, commandName());
			return;
		}
		decide(imp, request);
		if (request.rankingFile != null) {
			Inputs.createParent(request.rankingFile);
			session.writeRanking(request.rankingFile);
			IJ.log(commandName() + ": ranking written to " + request.rankingFile);
		}
		if (request.fineTune)
			tuned = fineTune(session, commandName(), new AtomicBoolean());
	}

	/** The scripted decisions: accepted slices take their masks from the ROIs the script left (see {@link #corrections}). */
	private void decide(ImagePlus imp, ReviewRequest request) {
		for (List<Integer> slices : Arrays.asList(request.accept, request.reject))
			for (int s : slices)
				if (s > session.slices())
					throw new UnetException("slice " + s + " does not exist: " + imp.getTitle() + " has " + session.slices() + " slice(s)");
		if (request.accept.isEmpty() && request.reject.isEmpty()) {
			showPredictions(imp);
			return;
		}
		List<Roi> rois = corrections(imp);
		// several classes: each ROI painted with its class (its ROI group), a later ROI over an earlier one
		List<byte[]> masks = session.isMultiClass() ? MaskSources.fromRois(imp, ClassRois.inClassGroups(rois, session.classNames()), true)
			: MaskSources.fromRois(imp, rois);
		for (int s : request.accept)
			if (session.isMultiClass())
				session.acceptLabels(s - 1, masks.get(s - 1));
			else
				session.accept(s - 1, masks.get(s - 1));
		for (int s : request.reject)
			session.reject(s - 1);
		IJ.log(String.format(Locale.ROOT, "%s: accepted %s, rejected %s; %d accepted, %d rejected, %d open in %s", commandName(), request.accept, request.reject,
			session.count(ReviewSession.Decision.ACCEPTED), session.count(ReviewSession.Decision.REJECTED), session.count(ReviewSession.Decision.OPEN),
			request.trainingSet.folder));
	}

	/**
	 * The ROIs that are the truth of the accepted slices: the ROI Manager's ROIs of this image when it has any, else the
	 * image's overlay (Segment with UNet and this command leave the predictions there, and a headless script edits them
	 * there), else the predictions.
	 */
	private List<Roi> corrections(ImagePlus imp) {
		RoiManager manager = RoiManagers.get(false);
		if (manager != null) {
			List<Roi> own = ImageRois.select(new ArrayList<>(Arrays.asList(manager.getRoisAsArray())), imp).rois;
			if (!own.isEmpty()) {
				IJ.log(commandName() + ": masks drawn from the " + own.size() + " ROI(s) of " + imp.getTitle() + " in the ROI Manager");
				return own;
			}
		}
		Overlay overlay = imp.getOverlay();
		if (overlay != null && overlay.size() > 0) {
			IJ.log(commandName() + ": masks drawn from the " + overlay.size() + " ROI(s) in the overlay of " + imp.getTitle());
			return new ArrayList<>(Arrays.asList(overlay.toArray()));
		}
		IJ.log(commandName() + ": masks drawn from the predicted ROIs (the ROI Manager and the overlay hold none of " + imp.getTitle() + ")");
		return session.allPredictedRois();
	}

	/** Puts the predictions into the overlay and the ROI Manager when neither holds ROIs of the image yet, for a script to edit. */
	private void showPredictions(ImagePlus imp) {
		List<Roi> predicted = session.allPredictedRois();
		if (imp.getOverlay() == null || imp.getOverlay().size() == 0) {
			Overlay overlay = new Overlay();
			for (Roi r : predicted)
				overlay.add((Roi) r.clone());
			imp.setOverlay(overlay);
		}
		RoiManager manager = RoiManagers.get(true);
		if (manager != null && ImageRois.select(new ArrayList<>(Arrays.asList(manager.getRoisAsArray())), imp).rois.isEmpty())
			RoiManagers.add(manager, predicted);
	}

	/** Fine-tunes with Train UNet's progress: status bar, live plot, one log line per epoch; Esc stops it. */
	static TrainingJob.Outcome fineTune(ReviewSession session, String command, AtomicBoolean cancel) {
		TrainingPlot plot = new TrainingPlot();
		TrainingJob.Outcome outcome = ReviewJob.fineTune(session, TrainingPlot.chain(new StatusProgress(), plot, new org.lesionseg.unet.core.train.TrainingListener() {
			@Override
			public void batchDone(int epoch, int epochs, int batch, int batches, double loss) {
				if (IJ.escapePressed())
					cancel.set(true);
			}
		}), cancel);
		IJ.log(String.format(Locale.ROOT, "%s: fine-tuned model %s (best epoch %d, training loss %.4f)%s", command, outcome.training.modelFile,
			outcome.training.bestEpoch, outcome.training.history.isEmpty() ? Double.NaN : outcome.training.history.get(outcome.training.history.size() - 1).trainLoss,
			outcome.training.cancelled ? "; stopped early" : ""));
		return outcome;
	}

	/** The review of the last run (null before it ran). */
	public ReviewSession session() {
		return session;
	}

	/** The panel, when one was shown. */
	public ReviewPanel panel() {
		return panel;
	}

	/** The fine-tuning's outcome, when fine_tune was given. */
	public TrainingJob.Outcome tuned() {
		return tuned;
	}
}
